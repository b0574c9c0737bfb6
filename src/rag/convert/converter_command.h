// RunConverter: the whole of the hearth-convert program, which converts one
// uploaded file inside a process the server can afford to lose.
//
//   hearth-convert --input PATH --name NAME [--cpu-seconds N]
//                  [--memory-bytes N] [--max-output-bytes N] [--no-ocr]
//                  [--ocr-dpi N] [--max-pages N] [--max-blocks N]
//                  [--max-cells N] [--max-xml-depth N] [--max-zip-entries N]
//                  [--max-unpacked-bytes N] [--max-entry-bytes N]
//
// Before touching the file it limits itself with setrlimit: CPU seconds
// (SIGXCPU at N, SIGKILL a second later), address space (not in sanitizer
// builds: see kConverterLimitsAddressSpace), no core files and
// few descriptors. It then reads the file, converts it (convert_dispatch.h)
// and writes the wire encoding (rag/document_wire.h) to stdout. Exit codes:
// 0 success; kConvertExitDocumentError with one "CODE: message" line on
// stderr for a document or usage error; kConvertExitOutOfMemory when an
// allocation failed under the address-space limit.
#ifndef HEARTH_RAG_CONVERT_CONVERTER_COMMAND_H_
#define HEARTH_RAG_CONVERT_CONVERTER_COMMAND_H_

#include "base/sanitizer_build.h"

namespace hearth {

// Whether the address-space limit applies. AddressSanitizer and
// ThreadSanitizer reserve terabytes of address space for their shadow memory
// and map their heaps on demand, so under a limit the first allocation
// fails: sanitizer builds leave the converter's memory unlimited (its CPU,
// output and wall-clock limits still hold). Release builds always limit it.
inline constexpr bool kConverterLimitsAddressSpace =
    !kBuiltWithAddressSanitizer && !kBuiltWithThreadSanitizer;

// Runs the program with main()'s arguments; returns the exit code.
int RunConverter(int argc, char** argv);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_CONVERTER_COMMAND_H_
