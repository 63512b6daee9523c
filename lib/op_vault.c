/*
 * op_vault.c: the "obsidian_sync" operation, the Python server's POST
 * /obsidian/sync: a vault watcher says one file was created, modified or
 * deleted, and pake brings that one file in (see pake_vault_sync_file).
 *
 * The request keeps the Python shape, {"event":{"type","filepath"}};
 * other keys of the event (a watcher's timestamp, say) are ignored.  The
 * answer says what happened to the note: created, updated, unchanged,
 * deleted, or ignored (not a note's file: a folder, an attachment, a
 * hidden file, or a deleted file no note had).
 */
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/vault.h"

/* The event to pake_vault_sync_file, its outcome to the Python shape. */
static int
run_sync(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(in, "event");
	const char *type = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(ev, "type"));
	const char *path = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(ev, "filepath"));
	pake_file_sync r;
	int rc;

	if ((rc = pake_vault_sync_file(c, type, path, &r, e)) != 0)
		return rc;
	if ((*out = cJSON_CreateObject()) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	cJSON_AddBoolToObject(*out, "success", 1);
	cJSON_AddStringToObject(*out, "event", type);
	cJSON_AddStringToObject(*out, "filepath", path);
	cJSON_AddStringToObject(*out, "action", r.action);
	if (r.pake_id[0]) {
		cJSON_AddStringToObject(*out, "pake_id", r.pake_id);
		cJSON_AddStringToObject(*out, "file_path", r.file_path);
	} else {
		cJSON_AddNullToObject(*out, "pake_id");
		cJSON_AddNullToObject(*out, "file_path");
	}
	return 0;
}

const pake_op pake_op_obsidian_sync = {
	"obsidian_sync", "Sync one vault file",
	"A file of the vault was created, modified or deleted: import it again, "
	"or delete the note it held.  The path is relative to the vault (or "
	"absolute inside it); a path leading out of the vault is refused.",
	"{\"type\":\"object\",\"required\":[\"event\"],"
	"\"additionalProperties\":false,\"properties\":{"
	"\"event\":{\"type\":\"object\",\"required\":[\"type\",\"filepath\"],"
	"\"properties\":{"
	"\"type\":{\"enum\":[\"created\",\"modified\",\"deleted\"]},"
	"\"filepath\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4000,"
	"\"description\":\"relative to the vault, or absolute inside it\"}}}}}",
	"{\"type\":\"object\",\"required\":[\"success\",\"event\",\"filepath\","
	"\"action\",\"pake_id\"],\"properties\":{"
	"\"success\":{\"type\":\"boolean\"},"
	"\"event\":{\"enum\":[\"created\",\"modified\",\"deleted\"]},"
	"\"filepath\":{\"type\":\"string\"},"
	"\"action\":{\"enum\":[\"created\",\"updated\",\"unchanged\","
	"\"deleted\",\"ignored\"]},"
	"\"pake_id\":{\"type\":[\"string\",\"null\"]},"
	"\"file_path\":{\"type\":[\"string\",\"null\"],\"description\":"
	"\"the note's file in the vault\"}}}",
	PAKE_P_NOTES_WRITE, PAKE_OP_DESTRUCTIVE | PAKE_OP_IDEMPOTENT, run_sync, NULL,
};

/* The vault's state (pake_vault_state) and the hand edits a later change
 * replaced (note_conflicts), counted, the newest ten listed. */
static int
run_status(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	cJSON *q, *conf = NULL, *list;
	int rc;

	(void)in;
	q = cJSON_CreateObject();
	cJSON_AddNumberToObject(q, "limit", 1000);
	rc = pake_op_call(c, "note_conflicts", q, &conf, e);
	cJSON_Delete(q);
	if (rc != 0)
		return rc;
	if ((rc = pake_vault_state(c, out, e)) != 0) {
		cJSON_Delete(conf);
		return rc;
	}
	list = cJSON_DetachItemFromObjectCaseSensitive(conf, "conflicts");
	cJSON_Delete(conf);
	if (list == NULL)
		list = cJSON_CreateArray();
	cJSON_AddNumberToObject(*out, "conflicts", cJSON_GetArraySize(list));
	while (cJSON_GetArraySize(list) > 10)
		cJSON_DeleteItemFromArray(list, 10);
	cJSON_AddItemToObject(*out, "recent_conflicts", list);
	return 0;
}

const pake_op pake_op_vault_status = {
	"vault_status", "The vault's state",
	"Changes waiting to be written to vault files (pending; stale: left "
	"over a minute by a writer that died), hand edits a later change "
	"replaced (conflicts: counted up to 1000, the newest ten listed), "
	"whether a watcher follows the vault (pake-vault watch), and what the "
	"last finished import did.",
	"{\"type\":\"object\",\"additionalProperties\":false,"
	"\"properties\":{}}",
	"{\"type\":\"object\",\"required\":[\"pending\",\"conflicts\","
	"\"watcher\",\"last_import\"],\"properties\":{\"vault\":{\"type\":"
	"\"string\"},\"pending\":{\"type\":\"integer\"},\"pending_stale\":{"
	"\"type\":\"integer\"},\"conflicts\":{\"type\":\"integer\"},"
	"\"recent_conflicts\":{\"type\":\"array\"},\"watcher\":{\"type\":"
	"\"object\",\"required\":[\"running\"],\"properties\":{\"running\":{"
	"\"type\":\"boolean\"}}},\"last_import\":{\"type\":[\"object\","
	"\"null\"]}}}",
	PAKE_P_NOTES_READ, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_status,
	NULL,
};
