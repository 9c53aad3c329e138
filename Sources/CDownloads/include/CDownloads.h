/* libcurl and libarchive, found at run time (dlopen) like the CUDA libraries: blitz-tui starts
   and trains on machines without them (the static GPU bundle stays small: libarchive alone pulls
   in ~40 MB of ICU and XML libraries), and only a download needs them. The types come from the
   libraries' own headers (libcurl4-openssl-dev, libarchive-dev, installed by `make deps`); each
   function used is a blitz_ wrapper that calls the symbol looked up by blitz_downloads_load.
   curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: their wrappers
   take one argument type each. */
#ifndef BLITZ_CDOWNLOADS_H
#define BLITZ_CDOWNLOADS_H

#include <stddef.h>
#include <curl/curl.h>
#include <archive.h>
#include <archive_entry.h>

/* Loads both libraries once; 0 on success, otherwise -1 with what was missing in `error`. */
int blitz_downloads_load(char *error, size_t size);

typedef size_t (*blitz_curl_write_fn)(char *data, size_t size, size_t count, void *context);
typedef int (*blitz_curl_progress_fn)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                      curl_off_t ultotal, curl_off_t ulnow);

CURLcode blitz_curl_global_init(long flags);
CURL *blitz_curl_easy_init(void);
void blitz_curl_easy_cleanup(CURL *curl);
CURLcode blitz_curl_easy_perform(CURL *curl);
const char *blitz_curl_easy_strerror(CURLcode code);
CURLcode blitz_curl_set_long(CURL *curl, CURLoption option, long value);
CURLcode blitz_curl_set_string(CURL *curl, CURLoption option, const char *value);
CURLcode blitz_curl_set_pointer(CURL *curl, CURLoption option, void *value);
CURLcode blitz_curl_set_offset(CURL *curl, CURLoption option, curl_off_t value);
CURLcode blitz_curl_set_write_function(CURL *curl, blitz_curl_write_fn function);
CURLcode blitz_curl_set_progress_function(CURL *curl, blitz_curl_progress_fn function);
CURLcode blitz_curl_response_code(CURL *curl, long *code);

struct archive *blitz_archive_read_new(void);
int blitz_archive_read_free(struct archive *a);
int blitz_archive_read_support_filter_gzip(struct archive *a);
int blitz_archive_read_support_format_tar(struct archive *a);
int blitz_archive_read_support_format_raw(struct archive *a);
int blitz_archive_read_open_filename(struct archive *a, const char *path, size_t block);
int blitz_archive_read_next_header(struct archive *a, struct archive_entry **entry);
la_ssize_t blitz_archive_read_data(struct archive *a, void *buffer, size_t size);
int blitz_archive_filter_code(struct archive *a, int index);
const char *blitz_archive_error_string(struct archive *a);
int blitz_archive_errno(struct archive *a);
const char *blitz_archive_entry_pathname(struct archive_entry *e);
unsigned int blitz_archive_entry_filetype(struct archive_entry *e);

/* Writing, for the tests' archives. */
struct archive *blitz_archive_write_new(void);
int blitz_archive_write_add_filter_gzip(struct archive *a);
int blitz_archive_write_set_format_pax_restricted(struct archive *a);
int blitz_archive_write_set_format_raw(struct archive *a);
int blitz_archive_write_open_memory(struct archive *a, void *buffer, size_t size, size_t *used);
int blitz_archive_write_header(struct archive *a, struct archive_entry *e);
la_ssize_t blitz_archive_write_data(struct archive *a, const void *data, size_t size);
int blitz_archive_write_close(struct archive *a);
int blitz_archive_write_free(struct archive *a);
struct archive_entry *blitz_archive_entry_new(void);
void blitz_archive_entry_free(struct archive_entry *e);
void blitz_archive_entry_set_pathname(struct archive_entry *e, const char *path);
void blitz_archive_entry_set_perm(struct archive_entry *e, unsigned int perm);
void blitz_archive_entry_set_filetype(struct archive_entry *e, unsigned int type);
void blitz_archive_entry_set_size(struct archive_entry *e, la_int64_t size);
void blitz_archive_entry_set_symlink(struct archive_entry *e, const char *target);

#endif
