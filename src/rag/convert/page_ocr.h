// PageOcr: text for PDF pages that have no text layer (scans), by rendering
// the page with poppler and reading it with tesseract ("eng").
//
// Tesseract is started on first use; when that fails (the "eng" language data
// is not installed) every later call fails the same way quickly, and the
// caller records a warning instead of text.
//
// Thread-safety: externally synchronized (tesseract's API object is not
// shareable). Lives inside the hearth-convert child only.
#ifndef HEARTH_RAG_CONVERT_PAGE_OCR_H_
#define HEARTH_RAG_CONVERT_PAGE_OCR_H_

#include <memory>
#include <string>

#include "base/status.h"

namespace poppler {
class page;
}  // namespace poppler

namespace tesseract {
class TessBaseAPI;
}  // namespace tesseract

namespace hearth {

class PageOcr {
 public:
  explicit PageOcr(int dpi);
  PageOcr(const PageOcr&) = delete;
  PageOcr& operator=(const PageOcr&) = delete;
  ~PageOcr();

  // The text tesseract reads on `page` rendered at the configured DPI (may be
  // empty for a blank page). Errors: Unavailable when tesseract or its "eng"
  // data cannot be loaded, Internal when the page cannot be rendered.
  StatusOr<std::string> Recognize(const poppler::page& page);

 private:
  Status Start();

  int dpi_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  Status start_status_;
  bool started_ = false;
};

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_PAGE_OCR_H_
