/*
 * What every fuzz target defines. libFuzzer calls it with each input;
 * replay.c calls it with the files of a corpus, so that the ordinary test
 * run goes through every committed input again.
 */
#ifndef HOPTAC_FUZZ_H
#define HOPTAC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input through the code under test. Always returns 0: a bug
 * shows as a sanitizer report or a crash, never as a return value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
