/* See include/CDownloads.h. Each wrapper calls a pointer that blitz_downloads_load filled in. */
#include "CDownloads.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* One pointer and one wrapper per function; FN for those whose wrapper only forwards. */
#define FN(ret, name, params, args) \
    static ret (*p_##name) params; \
    ret blitz_##name params { return p_##name args; }

FN(CURLcode, curl_global_init, (long flags), (flags))
FN(CURL *, curl_easy_init, (void), ())
FN(CURLcode, curl_easy_perform, (CURL *curl), (curl))
FN(const char *, curl_easy_strerror, (CURLcode code), (code))
static void (*p_curl_easy_cleanup)(CURL *);
void blitz_curl_easy_cleanup(CURL *curl) { p_curl_easy_cleanup(curl); }
static CURLcode (*p_curl_easy_setopt)(CURL *, CURLoption, ...);
static CURLcode (*p_curl_easy_getinfo)(CURL *, CURLINFO, ...);

CURLcode blitz_curl_set_long(CURL *c, CURLoption o, long v) { return p_curl_easy_setopt(c, o, v); }
CURLcode blitz_curl_set_string(CURL *c, CURLoption o, const char *v) { return p_curl_easy_setopt(c, o, v); }
CURLcode blitz_curl_set_pointer(CURL *c, CURLoption o, void *v) { return p_curl_easy_setopt(c, o, v); }
CURLcode blitz_curl_set_offset(CURL *c, CURLoption o, curl_off_t v) { return p_curl_easy_setopt(c, o, v); }
CURLcode blitz_curl_set_write_function(CURL *c, blitz_curl_write_fn f) {
    return p_curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, f);
}
CURLcode blitz_curl_set_progress_function(CURL *c, blitz_curl_progress_fn f) {
    return p_curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, f);
}
CURLcode blitz_curl_response_code(CURL *c, long *code) { return p_curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code); }

FN(struct archive *, archive_read_new, (void), ())
FN(int, archive_read_free, (struct archive *a), (a))
FN(int, archive_read_support_filter_gzip, (struct archive *a), (a))
FN(int, archive_read_support_format_tar, (struct archive *a), (a))
FN(int, archive_read_support_format_raw, (struct archive *a), (a))
FN(int, archive_read_open_filename, (struct archive *a, const char *path, size_t block), (a, path, block))
FN(int, archive_read_next_header, (struct archive *a, struct archive_entry **entry), (a, entry))
FN(la_ssize_t, archive_read_data, (struct archive *a, void *buffer, size_t size), (a, buffer, size))
FN(int, archive_filter_code, (struct archive *a, int index), (a, index))
FN(const char *, archive_error_string, (struct archive *a), (a))
FN(int, archive_errno, (struct archive *a), (a))
FN(const char *, archive_entry_pathname, (struct archive_entry *e), (e))
FN(unsigned int, archive_entry_filetype, (struct archive_entry *e), (e))
FN(struct archive *, archive_write_new, (void), ())
FN(int, archive_write_add_filter_gzip, (struct archive *a), (a))
FN(int, archive_write_set_format_pax_restricted, (struct archive *a), (a))
FN(int, archive_write_set_format_raw, (struct archive *a), (a))
FN(int, archive_write_open_memory, (struct archive *a, void *b, size_t s, size_t *u), (a, b, s, u))
FN(int, archive_write_header, (struct archive *a, struct archive_entry *e), (a, e))
FN(la_ssize_t, archive_write_data, (struct archive *a, const void *d, size_t s), (a, d, s))
FN(int, archive_write_close, (struct archive *a), (a))
FN(int, archive_write_free, (struct archive *a), (a))
FN(struct archive_entry *, archive_entry_new, (void), ())
static void (*p_archive_entry_free)(struct archive_entry *);
void blitz_archive_entry_free(struct archive_entry *e) { p_archive_entry_free(e); }
static void (*p_archive_entry_set_pathname)(struct archive_entry *, const char *);
void blitz_archive_entry_set_pathname(struct archive_entry *e, const char *p) { p_archive_entry_set_pathname(e, p); }
static void (*p_archive_entry_set_perm)(struct archive_entry *, unsigned int);
void blitz_archive_entry_set_perm(struct archive_entry *e, unsigned int p) { p_archive_entry_set_perm(e, p); }
static void (*p_archive_entry_set_filetype)(struct archive_entry *, unsigned int);
void blitz_archive_entry_set_filetype(struct archive_entry *e, unsigned int t) { p_archive_entry_set_filetype(e, t); }
static void (*p_archive_entry_set_size)(struct archive_entry *, la_int64_t);
void blitz_archive_entry_set_size(struct archive_entry *e, la_int64_t s) { p_archive_entry_set_size(e, s); }
static void (*p_archive_entry_set_symlink)(struct archive_entry *, const char *);
void blitz_archive_entry_set_symlink(struct archive_entry *e, const char *t) { p_archive_entry_set_symlink(e, t); }

struct symbol {
    const char *name;
    void **pointer;
};

#define SYM(name) { #name, (void **)&p_##name }

static const struct symbol curl_symbols[] = {
    SYM(curl_global_init), SYM(curl_easy_init), SYM(curl_easy_cleanup), SYM(curl_easy_perform),
    SYM(curl_easy_strerror), SYM(curl_easy_setopt), SYM(curl_easy_getinfo),
};

static const struct symbol archive_symbols[] = {
    SYM(archive_read_new), SYM(archive_read_free), SYM(archive_read_support_filter_gzip),
    SYM(archive_read_support_format_tar), SYM(archive_read_support_format_raw), SYM(archive_read_open_filename),
    SYM(archive_read_next_header), SYM(archive_read_data), SYM(archive_filter_code), SYM(archive_error_string),
    SYM(archive_errno), SYM(archive_entry_pathname), SYM(archive_entry_filetype), SYM(archive_write_new),
    SYM(archive_write_add_filter_gzip), SYM(archive_write_set_format_pax_restricted), SYM(archive_write_set_format_raw),
    SYM(archive_write_open_memory), SYM(archive_write_header), SYM(archive_write_data), SYM(archive_write_close),
    SYM(archive_write_free), SYM(archive_entry_new), SYM(archive_entry_free), SYM(archive_entry_set_pathname),
    SYM(archive_entry_set_perm), SYM(archive_entry_set_filetype), SYM(archive_entry_set_size),
    SYM(archive_entry_set_symlink),
};

/* Opens the first of `names` that loads and looks up every symbol; a message names what failed. */
static int load(const char *const *names, size_t count, const struct symbol *symbols, size_t nsymbols,
                const char *package, char *error, size_t size) {
    void *handle = NULL;
    for (size_t i = 0; i < count && handle == NULL; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(error, size, "%s not found (tried %s%s%s); install it: apt-get install %s", names[0], names[0],
                 count > 1 ? ", " : "", count > 1 ? names[1] : "", package);
        return -1;
    }
    for (size_t i = 0; i < nsymbols; i++) {
        *symbols[i].pointer = dlsym(handle, symbols[i].name);
        if (*symbols[i].pointer == NULL) {
            snprintf(error, size, "%s has no %s (too old?)", names[0], symbols[i].name);
            return -1;
        }
    }
    return 0;
}

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded = 0;
static char load_error[512];

int blitz_downloads_load(char *error, size_t size) {
    static const char *const curl_names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
    static const char *const archive_names[] = {"libarchive.so.13", "libarchive.so"};
    pthread_mutex_lock(&load_lock);
    if (loaded == 0) {
        int ok = load(curl_names, 2, curl_symbols, sizeof curl_symbols / sizeof curl_symbols[0], "libcurl4",
                      load_error, sizeof load_error) == 0
                 && load(archive_names, 2, archive_symbols, sizeof archive_symbols / sizeof archive_symbols[0],
                         "libarchive13", load_error, sizeof load_error) == 0;
        loaded = ok ? 1 : -1;
    }
    int result = loaded;
    pthread_mutex_unlock(&load_lock);
    if (result < 0) snprintf(error, size, "%s", load_error);
    return result > 0 ? 0 : -1;
}
