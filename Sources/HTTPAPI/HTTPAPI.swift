// HTTPAPI module
