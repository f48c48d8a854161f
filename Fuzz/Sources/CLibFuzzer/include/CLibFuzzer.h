// libFuzzer's entry point for programs that keep their own main (libFuzzer's FuzzerDriver.cpp, LLVM 11 and later).
// SwiftPM links an executable target with `--defsym main=<Target>_main`, so the fuzz targets cannot leave `main` to
// libFuzzer (with -parse-as-library there is no <Target>_main and the link fails); their main.swift calls this.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
