/*
 * The HTTP server of `thirdsite serve` (server.c) on libmicrohttpd: the
 * web app's files, a run folder's files and the JSON API of
 * docs/server-api.md.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_CLI_SERVER_H
#define TS_CLI_SERVER_H

#include "server_whatif.h"

/* Largest request body, bytes (413 beyond). */
#define SERVER_MAX_BODY (64 * 1024)

typedef struct {
    const char *host;        /* address to bind, e.g. "127.0.0.1" */
    int port;                /* 0: any free port */
    const char *viewer_dir;  /* the built web app (viewer/dist) */
    const char *run_dir;     /* a run folder served under /run/, or NULL */
    ts_whatif *whatif;       /* NULL: no API but the files */
} server_opts;

typedef struct server server;

/* Starts the daemon (its own threads).  NULL after printing the error. */
server *server_start(const server_opts *opts);
/* The port it listens on. */
int server_port(const server *s);
/* Stops the daemon, waiting for the requests under way, and frees it. */
void server_stop(server *s);

#endif
