/*
 * server.h - lanternd's HTTP server: libmicrohttpd with a thread pool, one
 * set of Xapian handles (a query engine) per worker thread.
 */
#ifndef LANTERND_SERVER_H
#define LANTERND_SERVER_H

#include "config.h"
#include "lantern/status.h"

typedef struct lanternd_server lanternd_server;

/* Binds and starts serving with `config` (the server takes ownership). */
lantern_status lanternd_server_start(lanternd_server **out, lanternd_config *config);

/* Publishes a new configuration (taking ownership) for requests that start
 * from now on; settings that need a new socket (listen, threads, limits)
 * take effect only at restart, and the caller is told which through the
 * return value: true when such a setting differs. */
bool lanternd_server_reconfigure(lanternd_server *server, lanternd_config *config);

/* Stops accepting connections, waits up to `grace_seconds` for requests in
 * flight, then stops and frees everything. */
void lanternd_server_stop(lanternd_server *server, unsigned grace_seconds);

/* The port actually bound (useful with port 0 in tests). */
unsigned lanternd_server_port(const lanternd_server *server);

#endif
