// OpenBLAS, loaded at run time (dlopen) so that its kernels can be chosen before it loads.
//
// OpenBLAS (a DYNAMIC_ARCH build, like Debian's) picks its kernels once, in its constructor, from
// its own table of CPU models or from OPENBLAS_CORETYPE. Debian's 0.3.21 does not know AMD's
// AVX-512 cores (Zen 4 and 5) and falls back to its Haswell (AVX2) kernels, about half the speed of
// its Cooperlake ones there. Linked into the program, it would be loaded, and its choice made,
// before any of this program's code could run. So the program does not link it: the first call
// here loads it, after setting OPENBLAS_CORETYPE for the load when the variable is unset and the
// CPU is an AMD one with AVX-512 (blitz_openblas_core_for_this_cpu), and then takes the variable
// back out of the environment, so programs started from this one see the environment it was
// given. A variable set by the user always decides. No re-exec; nothing else changes.
//
// The library is found as the dynamic linker finds any (LD_LIBRARY_PATH, the system's folders),
// as libopenblas.so.0, then libopenblas.so. Without it, the first call stops the program with a
// message saying what to install.

#include "CKernels.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// CBLAS's enum values (cblas.h): row-major order, no transpose, transpose.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *, int, double,
                         double *, int);

static struct {
    sgemm_fn sgemm;
    dgemm_fn dgemm;
    void (*set_num_threads)(int);
    int (*get_num_threads)(void);
    int (*get_num_procs)(void);
    char *(*get_config)(void);
    char *(*get_corename)(void);
} blas;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];
static const char *chosen_core = NULL;

static void load(void) {
    if (getenv("OPENBLAS_CORETYPE") == NULL) {
        const char *core = blitz_openblas_core_for_this_cpu();
        if (core != NULL && setenv("OPENBLAS_CORETYPE", core, 0) == 0) chosen_core = core;
    }
    static const char *const names[] = {"libopenblas.so.0", "libopenblas.so"};
    void *handle = NULL;
    const char *why = "";
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) why = dlerror();
    }
    if (chosen_core != NULL) unsetenv("OPENBLAS_CORETYPE");
    if (handle == NULL) {
        chosen_core = NULL;
        snprintf(load_error, sizeof load_error, "cannot load OpenBLAS (libopenblas.so.0): %s", why ? why : "");
        return;
    }
    blas.sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    blas.dgemm = (dgemm_fn)dlsym(handle, "cblas_dgemm");
    blas.set_num_threads = (void (*)(int))dlsym(handle, "openblas_set_num_threads");
    blas.get_num_threads = (int (*)(void))dlsym(handle, "openblas_get_num_threads");
    blas.get_num_procs = (int (*)(void))dlsym(handle, "openblas_get_num_procs");
    blas.get_config = (char *(*)(void))dlsym(handle, "openblas_get_config");
    blas.get_corename = (char *(*)(void))dlsym(handle, "openblas_get_corename");
    if (!blas.sgemm || !blas.dgemm || !blas.set_num_threads || !blas.get_num_threads || !blas.get_num_procs ||
        !blas.get_config || !blas.get_corename)
        snprintf(load_error, sizeof load_error, "the OpenBLAS library found lacks cblas_sgemm or openblas_* functions");
}

const char *const blitz_openblas_install_hint =
    "Install it (Debian, Ubuntu: apt-get install libopenblas0) or put it on LD_LIBRARY_PATH";

const char *blitz_openblas_load_error(void) {
    pthread_once(&once, load);
    return load_error[0] ? load_error : NULL;
}

// Every entry point below: loaded, or the program stops saying why (a missing library used to stop
// it before main; this keeps that, with a message).
static void ready(void) {
    const char *error = blitz_openblas_load_error();
    if (error != NULL) {
        fprintf(stderr, "blitz-tui: %s. %s.\n", error, blitz_openblas_install_hint);
        exit(1);
    }
}

const char *blitz_openblas_core_chosen(void) {
    ready();
    return chosen_core;
}

void blitz_sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    ready();
    blas.sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta,
               c, ldc);
}

void blitz_dgemm(bool transA, bool transB, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc) {
    ready();
    blas.dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta,
               c, ldc);
}

void blitz_openblas_set_num_threads(int n) {
    ready();
    blas.set_num_threads(n);
}

int blitz_openblas_get_num_threads(void) {
    ready();
    return blas.get_num_threads();
}

int blitz_openblas_get_num_procs(void) {
    ready();
    return blas.get_num_procs();
}

const char *blitz_openblas_get_config(void) {
    ready();
    return blas.get_config();
}

const char *blitz_openblas_get_corename(void) {
    ready();
    return blas.get_corename();
}
