// libpng (Debian libpng-dev): the PNG encoder behind FoveaAnalysis's PNGWriter.
#include <png.h>
