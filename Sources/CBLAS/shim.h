#pragma once
// Debian puts cblas.h under the multiarch include folder; openblas_set_num_threads comes with it.
#include <cblas.h>
