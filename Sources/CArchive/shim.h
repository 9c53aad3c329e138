/* libarchive (with zlib behind it) for the data set downloads: .tar.gz archives and single
   .gz files. */
#include <archive.h>
#include <archive_entry.h>
