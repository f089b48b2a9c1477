#ifndef STREAMD_CLIBPQ_SHIM_H
#define STREAMD_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
