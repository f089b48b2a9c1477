#ifndef STREAMD_CFFMPEG_SHIM_H
#define STREAMD_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavfilter/avfilter.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/log.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>

// Macros that Swift cannot import, as functions whose values come from the real headers.
static inline int streamd_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int streamd_averror_eof(void) { return AVERROR_EOF; }
static inline int streamd_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int streamd_averror_exit(void) { return AVERROR_EXIT; }
static inline int streamd_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t streamd_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational streamd_time_base_q(void) { return AV_TIME_BASE_Q; }

// V4L2: VIDIOC_QUERYCAP is a function-like macro. Returns 0 and the device's capability bits, or
// the errno of the failed ioctl (ENOTTY for a file that is not a V4L2 device).
#include <string.h>
#include <sys/ioctl.h>
#include <linux/videodev2.h>
static inline int streamd_v4l2_query_capabilities(int fd, uint32_t *capabilities) {
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (ioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) return errno;
    *capabilities = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    return 0;
}
static inline uint32_t streamd_v4l2_capture_capabilities(void) {
    return V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE;
}

#endif
