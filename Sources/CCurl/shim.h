/* libcurl for the data set downloads. curl_easy_setopt and curl_easy_getinfo are variadic, which
   Swift cannot call: these wrappers give each argument type its own function. */
#include <curl/curl.h>

typedef size_t (*blitz_curl_write_fn)(char *data, size_t size, size_t count, void *context);
typedef int (*blitz_curl_progress_fn)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                      curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode blitz_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode blitz_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode blitz_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode blitz_curl_set_offset(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode blitz_curl_set_write_function(CURL *curl, blitz_curl_write_fn function) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, function);
}
static inline CURLcode blitz_curl_set_progress_function(CURL *curl, blitz_curl_progress_fn function) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, function);
}
static inline CURLcode blitz_curl_response_code(CURL *curl, long *code) {
    return curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
}
