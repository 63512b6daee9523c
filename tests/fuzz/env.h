/*
 * env.h: what the fuzz targets share (env.c).
 */
#ifndef FUZZ_ENV_H
#define FUZZ_ENV_H

#include <stddef.h>
#include <stdint.h>
#include "pake/cli.h"

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Make the installation and open it in cli as its owner; exits on
 * failure. */
void fuzz_env(pake_cli *cli);
/* A token of the default tenant, for its notes only, into out. */
void fuzz_token(pake_cli *cli, char *out, size_t size);
/* The installation's folder. */
const char *fuzz_root(void);

#endif
