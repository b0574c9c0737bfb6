#include "rag/convert/page_ocr.h"

#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <tesseract/baseapi.h>

#include "base/status_macros.h"

namespace hearth {
namespace {

struct TesseractTextDeleter {
  void operator()(char* text) const { delete[] text; }
};

}  // namespace

PageOcr::PageOcr(int dpi) : dpi_(dpi) {}

PageOcr::~PageOcr() {
  if (api_) api_->End();
}

Status PageOcr::Start() {
  if (started_) return start_status_;
  started_ = true;
  api_ = std::make_unique<tesseract::TessBaseAPI>();
  // Tesseract's progress notes would otherwise reach the parent's log.
  api_->SetVariable("debug_file", "/dev/null");
  if (api_->Init(nullptr, "eng") != 0) {
    api_.reset();
    start_status_ = UnavailableError("tesseract could not load its English data (install tesseract-ocr-eng)");
  }
  return start_status_;
}

StatusOr<std::string> PageOcr::Recognize(const poppler::page& page) {
  RETURN_IF_ERROR(Start());
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  poppler::image image = renderer.render_page(&page, dpi_, dpi_);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
    return InternalError("the page could not be rendered for OCR");
  }
  api_->SetImage(reinterpret_cast<const unsigned char*>(image.const_data()), image.width(), image.height(), 1,
                 image.bytes_per_row());
  api_->SetSourceResolution(dpi_);
  std::unique_ptr<char, TesseractTextDeleter> text(api_->GetUTF8Text());
  api_->Clear();
  if (text == nullptr) return InternalError("tesseract could not read the page");
  return std::string(text.get());
}

}  // namespace hearth
