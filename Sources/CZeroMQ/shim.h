#ifndef AEOHUB_CZEROMQ_SHIM_H
#define AEOHUB_CZEROMQ_SHIM_H

#include <zmq.h>
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* Draft option, accepted by Debian's libzmq 4.3.4 at run time; the tests prove it refuses
   CURVE clients when no ZAP handler is bound. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif


#endif
