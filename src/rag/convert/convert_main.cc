// hearth-convert: converts one uploaded file in a sandboxed child process
// (see rag/convert/converter_command.h and rag/document_converter.h).
#include "rag/convert/converter_command.h"

int main(int argc, char** argv) { return hearth::RunConverter(argc, argv); }
