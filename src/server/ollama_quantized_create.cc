#include "server/ollama_quantized_create.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/logging.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "models/model_parameters.h"
#include "models/quantizer.h"
#include "server/json_body.h"
#include "server/uploaded_gguf.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// What to quantize, and the layers the result keeps.
struct QuantizeSource {
  std::filesystem::path file;
  CreateSpec spec;
  std::string stored_type;  // "F16"; "" when unknown
};

// The request's template, system, licence and parameters over `base`'s.
CreateSpec Overlay(CreateSpec base, const CreateSpec& request) {
  if (request.template_text) base.template_text = request.template_text;
  if (request.system) base.system = request.system;
  if (request.license) base.license = request.license;
  base.parameters = MergeModelParameters(base.parameters, request.parameters);
  return base;
}

StatusOr<QuantizeSource> SourceOf(ModelStore& store, const OllamaCreate& call) {
  if (!call.from) {
    ASSIGN_OR_RETURN(UploadedGguf blob, FindUploadedGguf(store, *call.model_blob));
    RETURN_IF_ERROR(CheckQuantizable(blob.gguf, *call.quantize, /*allow_requantize=*/false));
    return QuantizeSource{std::move(blob.path), call.spec, ""};
  }
  if (*call.from == call.model) {
    return InvalidArgumentError("the quantized model would replace '" +
                                call.from->DisplayName() + "'; give it another name");
  }
  ASSIGN_OR_RETURN(ResolvedModel resolved, store.Resolve(*call.from));
  if (resolved.model_path.empty()) {
    return InvalidArgumentError("'" + call.from->DisplayName() +
                                "' is a remote model; only local GGUF models can be quantized");
  }
  RETURN_IF_ERROR(CheckQuantizable(*resolved.gguf, *call.quantize, /*allow_requantize=*/false));
  return QuantizeSource{resolved.model_path, Overlay(InheritedSpec(resolved), call.spec),
                        resolved.entry.details.quantization_level};
}

std::string StartLine(const QuantizeSource& source, QuantizationType type) {
  const std::string target(GetQuantizationTypeInfo(type).name);
  return source.stored_type.empty() ? "quantizing model to " + target
                                    : "quantizing " + source.stored_type + " model to " + target;
}

// `client_left` is asked while the worker runs; true stops it.
StatusOr<QuantizedModel> Quantize(ModelStore& store, const OllamaCreate& call,
                                  const QuantizeSource& source,
                                  std::function<bool()> client_left) {
  QuantizeOptions options{.type = *call.quantize};
  options.cancelled = std::move(client_left);
  StatusOr<QuantizedModel> result =
      QuantizeIntoStore(store, source.file, source.spec, call.model, options);
  if (result.status().code() == StatusCode::kCancelled) {
    HEARTH_LOG(INFO) << "create " << call.model.DisplayName()
                     << ": the client left; the quantization was stopped";
  }
  return result;
}

json DoneLine(const QuantizedModel& result) {
  return {{"status", "quantized " + result.report.source_file_type + " to " +
                         result.report.result_file_type + ": " +
                         FormatByteSize(result.report.bytes_before) + " → " +
                         FormatByteSize(result.report.bytes_after)},
          {"digest", result.entry.manifest_digest.ToString()}};
}

}  // namespace

void HandleQuantizedCreate(ModelStore& store, const OllamaCreate& call,
                           const httplib::Request& request, httplib::Response& response) {
  StatusOr<QuantizeSource> source = SourceOf(store, call);
  if (!source.ok()) return SetJsonError(response, source.status());
  if (!call.stream) {
    std::function<bool()> client_left;
    if (request.is_connection_closed) client_left = request.is_connection_closed;
    StatusOr<QuantizedModel> result = Quantize(store, call, *source, std::move(client_left));
    if (!result.ok()) return SetJsonError(response, result.status());
    return SetJson(response, json{{"status", "success"}});
  }
  auto job = std::make_shared<std::pair<OllamaCreate, QuantizeSource>>(call, *std::move(source));
  response.set_chunked_content_provider(
      kNdjsonContentType, [&store, job](size_t, httplib::DataSink& sink) {
        auto write = [&sink](const json& line) {
          const std::string text = NdjsonLine(line);
          sink.write(text.data(), text.size());
        };
        const auto& [create, from] = *job;
        write(json{{"status", StartLine(from, *create.quantize)}});
        StatusOr<QuantizedModel> result =
            Quantize(store, create, from, [&sink] { return !sink.is_writable(); });
        if (result.ok()) {
          write(DoneLine(*result));
          write(json{{"status", "writing manifest"}});
          write(json{{"status", "success"}});
        } else {
          write(json{{"error", result.status().message()}});
        }
        sink.done();
        return true;
      });
}

}  // namespace hearth::internal
