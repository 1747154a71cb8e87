/*
 * The HTTP server of `thirdsite serve` (server.h) on libmicrohttpd (a
 * thread per connection): no HTTP parsing of our own.  What it serves
 * (docs/server-api.md):
 *   GET  /api/scenario        the scenario as resolved
 *   GET  /api/geo.json        land and borders (Natural Earth 1:50m)
 *   POST /api/whatif          moves and settings -> footprint, matrix, flights
 *   POST /api/scenario.yaml   the scenario file with them written in
 *   GET  /run/PATH            a run folder's files (serve RUNDIR)
 *   GET  /viewer/PATH         the web app (viewer/dist: map.html, globe.html)
 *   GET  /                    -> /viewer/map.html (or /run/ without a scenario)
 * Paths never leave the served folders: a segment "..", ".", empty or
 * starting with '.', a backslash, or a file whose real path (symbolic
 * links resolved) lies outside its folder is refused (403).  Bodies over
 * SERVER_MAX_BODY are refused (413).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "server.h"
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct server {
    struct MHD_Daemon *d;
    server_opts o;
    char viewer_real[PATH_MAX], run_real[PATH_MAX];
    int port;
};

/* One request's upload. */
typedef struct {
    char *body;
    size_t len;
    int too_big;
} upload;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type,
                             char *text, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
    const enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_json(struct MHD_Connection *c, unsigned code, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(j);
    if (!text)
        return MHD_NO;
    return reply(c, code, "application/json", text, strlen(text));
}

/* {"error": message, "status": code} */
static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
    json_t *j = json_object();
    json_object_set_new(j, "error", json_string(msg));
    json_object_set_new(j, "status", json_integer(code));
    return reply_json(c, code, j);
}

static const char *mime(const char *path)
{
    static const struct {
        const char *ext, *type;
    } t[] = {{".html", "text/html; charset=utf-8"},
             {".js", "text/javascript; charset=utf-8"},
             {".mjs", "text/javascript; charset=utf-8"},
             {".css", "text/css; charset=utf-8"},
             {".json", "application/json"},
             {".geojson", "application/geo+json"},
             {".czml", "application/json"},
             {".kml", "application/vnd.google-earth.kml+xml"},
             {".csv", "text/csv; charset=utf-8"},
             {".svg", "image/svg+xml"},
             {".png", "image/png"},
             {".jpg", "image/jpeg"},
             {".jpeg", "image/jpeg"},
             {".gif", "image/gif"},
             {".wasm", "application/wasm"},
             {".woff", "font/woff"},
             {".woff2", "font/woff2"},
             {".ttf", "font/ttf"},
             {".xml", "application/xml"},
             {".txt", "text/plain; charset=utf-8"},
             {".log", "text/plain; charset=utf-8"},
             {".md", "text/plain; charset=utf-8"},
             {".yaml", "text/plain; charset=utf-8"},
             {".ktx2", "image/ktx2"},
             {".glb", "model/gltf-binary"},
             {".gltf", "model/gltf+json"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(dot, t[i].ext))
            return t[i].type;
    return "application/octet-stream";
}

/* Whether a path below a served folder is acceptable as written: every
 * segment non-empty, not starting with '.', no backslash, no control
 * character. */
static int rel_ok(const char *rel)
{
    if (strlen(rel) >= 1024)
        return 0;
    const char *s = rel;
    for (;;) {
        const char *e = strchr(s, '/');
        const size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 && e)
            return 0;
        if (n > 0 && s[0] == '.')
            return 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] == '\\' || (unsigned char)s[i] < 0x20)
                return 0;
        if (!e)
            return 1;
        s = e + 1;
    }
}

/* Serves root_real/rel (rel "" or ending in '/': its index.html). */
static enum MHD_Result serve_file(struct MHD_Connection *c, const char *root_real,
                                  const char *rel)
{
    if (!rel_ok(rel))
        return reply_error(c, MHD_HTTP_FORBIDDEN, "path refused: it would leave the served folder");
    char path[PATH_MAX + 1100], real[PATH_MAX];
    const size_t n = strlen(rel);
    snprintf(path, sizeof path, "%s/%s%s", root_real, rel,
             n == 0 || rel[n - 1] == '/' ? "index.html" : "");
    if (!realpath(path, real))
        return reply_error(c, MHD_HTTP_NOT_FOUND, "not found");
    const size_t rl = strlen(root_real);
    if (strncmp(real, root_real, rl) || real[rl] != '/')
        return reply_error(c, MHD_HTTP_FORBIDDEN, "path refused: it leads out of the served folder");
    struct stat sb;
    if (stat(real, &sb) || S_ISDIR(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode) && n && rel[n - 1] != '/') {
            /* a folder without its slash: to its index */
            struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
            char loc[1200];
            const char *slash = strrchr(rel, '/');
            snprintf(loc, sizeof loc, "%s/", slash ? slash + 1 : rel);
            MHD_add_response_header(r, "Location", loc);
            const enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
            MHD_destroy_response(r);
            return ret;
        }
        return reply_error(c, MHD_HTTP_NOT_FOUND, "not found");
    }
    if (!S_ISREG(sb.st_mode))
        return reply_error(c, MHD_HTTP_FORBIDDEN, "not a regular file");
    const int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        return reply_error(c, MHD_HTTP_NOT_FOUND, "not found");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", mime(real));
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    const enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result api_post(struct server *s, struct MHD_Connection *c, const char *url,
                                const upload *u)
{
    json_error_t je;
    json_t *body = json_loadb(u->body ? u->body : "", u->len, JSON_REJECT_DUPLICATES, &je);
    if (!body) {
        char msg[400];
        snprintf(msg, sizeof msg, "body: not JSON (line %d, column %d: %s)", je.line, je.column,
                 je.text);
        return reply_error(c, MHD_HTTP_BAD_REQUEST, msg);
    }
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx) {
        json_decref(body);
        return MHD_NO;
    }
    enum MHD_Result ret;
    if (!strcmp(url, "/api/whatif")) {
        json_t *out = NULL;
        const int st = ts_whatif_eval(ctx, s->o.whatif, body, &out);
        ret = st == TS_OK    ? reply_json(c, MHD_HTTP_OK, out)
              : st == TS_EIO ? reply_error(c, MHD_HTTP_CONFLICT, ts_ctx_message(ctx))
              : st == TS_EINVAL || st == TS_ESCENARIO || st == TS_EUNIT || st == TS_ENOTFOUND
                  ? reply_error(c, MHD_HTTP_BAD_REQUEST, ts_ctx_message(ctx))
                  : reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, ts_ctx_message(ctx));
    } else {
        char *text = NULL;
        const int st = ts_whatif_yaml(ctx, s->o.whatif, body, &text);
        ret = st == TS_OK ? reply(c, MHD_HTTP_OK, "application/yaml; charset=utf-8", text,
                                  strlen(text))
              : st == TS_EINVAL || st == TS_ESCENARIO || st == TS_EUNIT || st == TS_ENOTFOUND
                  ? reply_error(c, MHD_HTTP_BAD_REQUEST, ts_ctx_message(ctx))
                  : reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, ts_ctx_message(ctx));
    }
    ts_ctx_free(ctx);
    json_decref(body);
    return ret;
}

static enum MHD_Result api_get(struct server *s, struct MHD_Connection *c, const char *url)
{
    if (!strcmp(url, "/api/scenario"))
        return reply_json(c, MHD_HTTP_OK, ts_whatif_scenario_json(s->o.whatif));
    ts_ctx *ctx = ts_ctx_create();
    char *text = ctx ? ts_whatif_geo_geojson(ctx) : NULL;
    const enum MHD_Result ret =
        text ? reply(c, MHD_HTTP_OK, "application/geo+json", text, strlen(text))
             : reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, ctx ? ts_ctx_message(ctx) : "");
    ts_ctx_free(ctx);
    return ret;
}

static int is_post_api(const char *url)
{
    return !strcmp(url, "/api/whatif") || !strcmp(url, "/api/scenario.yaml");
}

static int is_get_api(const char *url)
{
    return !strcmp(url, "/api/scenario") || !strcmp(url, "/api/geo.json");
}

/* Whether the Host header names this server: with a loopback address, only
 * 127.0.0.1, localhost or [::1] with its port (a page of another site
 * whose name was re-pointed at 127.0.0.1, "DNS rebinding", sends its own
 * name and is refused).  Any Host for another --host. */
static int host_ok(const struct server *s, struct MHD_Connection *c)
{
    if (strcmp(s->o.host, "127.0.0.1") && strcmp(s->o.host, "::1"))
        return 1;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!h)
        return 1; /* HTTP/1.0 without Host: not a browser's */
    char want[64];
    const char *names[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(want, sizeof want, "%s:%d", names[i], s->port);
        if (!strcmp(h, want) || !strcmp(h, names[i]))
            return 1;
    }
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    const int get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
    const int post = !strcmp(method, MHD_HTTP_METHOD_POST);
    if (!*con_cls) {
        upload *u = calloc(1, sizeof *u);
        if (!u)
            return MHD_NO;
        *con_cls = u;
        if (post) {
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
            if (cl && strtoull(cl, NULL, 10) > SERVER_MAX_BODY)
                return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
                                   "body: larger than 65536 bytes");
        }
        return MHD_YES;
    }
    upload *u = *con_cls;
    if (*data_size) {
        if (!post || u->too_big || u->len + *data_size > SERVER_MAX_BODY) {
            u->too_big = 1;
        } else {
            char *b = realloc(u->body, u->len + *data_size + 1);
            if (!b)
                return MHD_NO;
            memcpy(b + u->len, data, *data_size);
            u->body = b;
            u->len += *data_size;
            u->body[u->len] = '\0';
        }
        *data_size = 0;
        return MHD_YES;
    }
    if (u->too_big && post)
        return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "body: larger than 65536 bytes");
    if (!host_ok(s, c))
        return reply_error(c, MHD_HTTP_FORBIDDEN, "Host: not this server's name (127.0.0.1, "
                                                  "localhost)");
    if (!get && !post)
        return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed (GET, HEAD, POST)");
    if (!strncmp(url, "/api/", 5)) {
        if (!s->o.whatif)
            return reply_error(c, MHD_HTTP_NOT_FOUND, "no scenario is served");
        if (is_post_api(url))
            return post ? api_post(s, c, url, u)
                        : reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only");
        if (is_get_api(url))
            return get ? api_get(s, c, url)
                       : reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
        return reply_error(c, MHD_HTTP_NOT_FOUND, "no such API (docs/server-api.md)");
    }
    if (!get)
        return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only for files");
    if (url[0] != '/')
        return reply_error(c, MHD_HTTP_FORBIDDEN, "path refused: not absolute");
    if (!strcmp(url, "/")) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Location", s->o.whatif ? "/viewer/map.html" : "/run/");
        const enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
        MHD_destroy_response(r);
        return ret;
    }
    if (!strncmp(url, "/run/", 5) || !strcmp(url, "/run")) {
        if (!s->run_real[0])
            return reply_error(c, MHD_HTTP_NOT_FOUND, "no run folder is served");
        return serve_file(c, s->run_real, url[4] ? url + 5 : "");
    }
    if (strncmp(url, "/viewer/", 8) && strcmp(url, "/viewer"))
        return reply_error(c, MHD_HTTP_NOT_FOUND, "not found (the app is under /viewer/)");
    if (!s->viewer_real[0])
        return reply_error(c, MHD_HTTP_NOT_FOUND,
                           "the web app is not built (viewer/build.sh; docs/server-api.md)");
    return serve_file(c, s->viewer_real, url[7] ? url + 8 : "");
}

/* Percent-decoding of the request path (libmicrohttpd's own), refusing an
 * encoded NUL: the path would end there, so "/map/%00/../x" would read as
 * "/map/".  It becomes "/\x01", which rel_ok refuses. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *uri)
{
    (void)cls;
    (void)c;
    const size_t n = MHD_http_unescape(uri);
    if (strlen(uri) != n) {
        uri[0] = '/';
        uri[1] = '\x01';
        uri[2] = '\0';
        return 2;
    }
    return n;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    upload *u = *con_cls;
    if (u) {
        free(u->body);
        free(u);
        *con_cls = NULL;
    }
}

server *server_start(const server_opts *opts)
{
    struct server *s = calloc(1, sizeof *s);
    if (!s) {
        cli_failure("serve", "out of memory");
        return NULL;
    }
    s->o = *opts;
    if (opts->viewer_dir && !realpath(opts->viewer_dir, s->viewer_real))
        s->viewer_real[0] = '\0';
    if (opts->run_dir && !realpath(opts->run_dir, s->run_real)) {
        cli_usage_error("serve", "'%s': %s", opts->run_dir, strerror(errno));
        free(s);
        return NULL;
    }
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_ERROR_LOG;
    const struct sockaddr *sa;
    if (inet_pton(AF_INET, opts->host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)opts->port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, opts->host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)opts->port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        cli_usage_error("serve", "--host '%s': not a numeric IPv4 or IPv6 address", opts->host);
        free(s);
        return NULL;
    }
    s->d = MHD_start_daemon(flags, (uint16_t)opts->port, NULL, NULL, handle, s,
                            MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                            MHD_OPTION_UNESCAPE_CALLBACK, unescape, s,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
                            MHD_OPTION_END);
    if (!s->d) {
        cli_failure("serve", "cannot listen on %s port %d (in use, or not an address of this "
                    "machine)", opts->host, opts->port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : opts->port;
    return s;
}

int server_port(const server *s)
{
    return s->port;
}

void server_stop(server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}
