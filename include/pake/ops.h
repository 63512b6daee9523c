/*
 * ops.h: the operation records, one per lib/op_*.c entry.  Only op.c's
 * table and tests name them; everyone else goes through pake_op_find().
 */
#ifndef PAKE_OPS_H
#define PAKE_OPS_H

#include "op.h"

extern const pake_op pake_op_create_note;
extern const pake_op pake_op_get_note;
extern const pake_op pake_op_update_note;
extern const pake_op pake_op_delete_note;
extern const pake_op pake_op_list_notes;
extern const pake_op pake_op_search_notes;
extern const pake_op pake_op_list_tags;

#endif
