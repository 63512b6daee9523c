/*
 * op.h: the operation registry (ARCHITECTURE.md §10).
 *
 * Every operation is one record: name, description, JSON Schemas of input
 * and output, the permission it needs, MCP hints and one handler.  MCP
 * tools/list, the HTTP routes and the CLI all come from this table; no
 * front implements an operation itself.  pake_op_call() checks the
 * permission and validates the input against the schema before the handler
 * runs, so handlers may rely on shapes and bounds the schema states.
 */
#ifndef PAKE_OP_H
#define PAKE_OP_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "ctx.h"

enum pake_op_hint {
	PAKE_OP_READONLY	= 1u << 0,
	PAKE_OP_DESTRUCTIVE	= 1u << 1,
	PAKE_OP_IDEMPOTENT	= 1u << 2,
	PAKE_OP_OPENWORLD	= 1u << 3,
	PAKE_OP_MCP		= 1u << 4,	/* offered as an MCP tool */
};

typedef struct pake_op {
	const char *name;		/* "search_notes" */
	const char *title;		/* "Search notes" */
	const char *description;	/* one line */
	const char *input_schema;	/* JSON Schema text */
	const char *output_schema;
	uint32_t perm;			/* PAKE_P_* all required */
	unsigned hints;
	int (*run)(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e);
	/* The result as an MCP text content, when not its compact JSON
	 * (the memory server's tools answer in their own words): malloc'd,
	 * NULL when out of memory. */
	char *(*text)(const cJSON *out);
} pake_op;

size_t pake_op_count(void);
const pake_op *pake_op_at(size_t i);
const pake_op *pake_op_find(const char *name);

/* Look up, authorise, validate, run.  *out is set on success only. */
int pake_op_call(pake_ctx *c, const char *name, const cJSON *in, cJSON **out,
    pake_err *e);

/* Validate v against a JSON Schema (the subset pake's schemas use: type,
 * properties, required, additionalProperties, enum, min/maxLength,
 * minimum/maximum, items, min/maxItems, anyOf).  0 or PAKE_EINVAL with the
 * failing location in e->detail. */
int pake_schema_check(const cJSON *schema, const cJSON *v, pake_err *e);

#endif
