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
