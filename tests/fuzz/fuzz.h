/*
 * What every fuzz target defines. libFuzzer calls it with each input;
 * replay.c calls it with the files of a corpus, so that the ordinary test
 * run goes through every committed input again.
 */
#ifndef HOPTAC_FUZZ_H
#define HOPTAC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

struct method;

/* Runs one input through the code under test. Always returns 0: a bug
 * shows as a sanitizer report or a crash, never as a return value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The payload of a request to m as dispatch takes it: its elements and
 * strings checked on the wire (pbcheck_message), then unpacked as m's
 * input (caller frees it). NULL when either refuses it. In
 * fuzz_request.c, linked into every target. */
ProtobufCMessage *fuzz_request_unpack(
    const struct method *m, const uint8_t *data, size_t size);

#endif
