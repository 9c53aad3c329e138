/// The two smaller stand-ins: NVRTC and cuBLAS.
extension CUDAEmulatorSources {
    /// libnvrtc.so.13: "compiling" marks the source so the emulated driver accepts it.
    static let nvrtc = #"""
    #include <stdlib.h>
    #include <string.h>
    #include <string>
    struct Program { std::string text; };
    static long compiles_ = 0;
    extern "C" {
    long fake_nvrtc_compile_count() { return __atomic_load_n(&compiles_, __ATOMIC_SEQ_CST); }
    int nvrtcVersion(int* major, int* minor) { *major = 13; *minor = 0; return 0; }
    const char* nvrtcGetErrorString(int r) { return r == 0 ? "NVRTC_SUCCESS" : r == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_ERROR"; }
    int nvrtcCreateProgram(Program** p, const char* src, const char* name, int n, const char* const* h, const char* const* i) {
        if (!src || n != 0) return 3;
        *p = new Program{std::string("//EMULATED\n") + src};
        return 0;
    }
    int nvrtcDestroyProgram(Program** p) { delete *p; *p = nullptr; return 0; }
    int nvrtcCompileProgram(Program* p, int n, const char* const* options) {
        __atomic_add_fetch(&compiles_, 1, __ATOMIC_SEQ_CST);
        for (int i = 0; i < n; ++i) if (strncmp(options[i], "--gpu-architecture=", 19) == 0) return 0;
        return 6;
    }
    int nvrtcGetProgramLogSize(Program*, size_t* n) { *n = 1; return 0; }
    int nvrtcGetProgramLog(Program*, char* log) { log[0] = 0; return 0; }
    int nvrtcGetPTXSize(Program* p, size_t* n) { *n = p->text.size() + 1; return 0; }
    int nvrtcGetPTX(Program* p, char* out) { memcpy(out, p->text.c_str(), p->text.size() + 1); return 0; }
    int nvrtcGetCUBINSize(Program* p, size_t* n) { *n = p->text.size() + 1; return 0; }
    int nvrtcGetCUBIN(Program* p, char* out) { memcpy(out, p->text.c_str(), p->text.size() + 1); return 0; }
    int nvrtcGetNumSupportedArchs(int* n) { *n = 2; return 0; }
    int nvrtcGetSupportedArchs(int* a) { a[0] = 80; a[1] = 90; return 0; }
    }
    """#

    /// libcublas.so.13: GEMM by the book, column-major, as cuBLAS defines it.
    static let cublas = #"""
    typedef int Status;
    template <typename T>
    static Status gemm(int ta, int tb, int m, int n, int k, const T* alpha, const T* A, int lda, long long sa,
                       const T* B, int ldb, long long sb, const T* beta, T* C, int ldc, long long sc, int batch) {
        if (m < 0 || n < 0 || k < 0 || batch < 0) return 7;
        if (lda < (ta ? (k > 1 ? k : 1) : (m > 1 ? m : 1)) || ldb < (tb ? (n > 1 ? n : 1) : (k > 1 ? k : 1)) || ldc < (m > 1 ? m : 1)) return 7;
        for (int b = 0; b < batch; ++b) {
            const T* a = A + b * sa;
            const T* bb = B + b * sb;
            T* c = C + b * sc;
            for (int j = 0; j < n; ++j) {
                for (int i = 0; i < m; ++i) {
                    T acc = 0;
                    for (int p = 0; p < k; ++p) {
                        T av = ta ? a[p + (long long)i * lda] : a[i + (long long)p * lda];
                        T bv = tb ? bb[j + (long long)p * ldb] : bb[p + (long long)j * ldb];
                        acc += av * bv;
                    }
                    T* out = c + i + (long long)j * ldc;
                    *out = *beta == 0 ? *alpha * acc : *alpha * acc + *beta * *out;
                }
            }
        }
        return 0;
    }
    extern "C" {
    Status cublasCreate_v2(void** h) { *h = (void*)0x2; return 0; }
    Status cublasGetVersion_v2(void*, int* v) { *v = 130000; return 0; }
    const char* cublasGetStatusString(Status s) { return s == 0 ? "CUBLAS_STATUS_SUCCESS" : s == 7 ? "CUBLAS_STATUS_INVALID_VALUE" : "CUBLAS_STATUS_INTERNAL_ERROR"; }
    Status cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* al, const float* A, int lda,
                          const float* B, int ldb, const float* be, float* C, int ldc) {
        return h ? gemm(ta, tb, m, n, k, al, A, lda, 0, B, ldb, 0, be, C, ldc, 0, 1) : 1;
    }
    Status cublasDgemm_v2(void* h, int ta, int tb, int m, int n, int k, const double* al, const double* A, int lda,
                          const double* B, int ldb, const double* be, double* C, int ldc) {
        return h ? gemm(ta, tb, m, n, k, al, A, lda, 0, B, ldb, 0, be, C, ldc, 0, 1) : 1;
    }
    Status cublasSgemmStridedBatched(void* h, int ta, int tb, int m, int n, int k, const float* al, const float* A, int lda,
                                     long long sa, const float* B, int ldb, long long sb, const float* be, float* C, int ldc,
                                     long long sc, int batch) {
        return h ? gemm(ta, tb, m, n, k, al, A, lda, sa, B, ldb, sb, be, C, ldc, sc, batch) : 1;
    }
    Status cublasDgemmStridedBatched(void* h, int ta, int tb, int m, int n, int k, const double* al, const double* A, int lda,
                                     long long sa, const double* B, int ldb, long long sb, const double* be, double* C, int ldc,
                                     long long sc, int batch) {
        return h ? gemm(ta, tb, m, n, k, al, A, lda, sa, B, ldb, sb, be, C, ldc, sc, batch) : 1;
    }
    }
    """#
}
