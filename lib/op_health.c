/*
 * op_health.c: the "health" operation: the checks of lib/health.c as
 * JSON, for GET /health (which anyone may call, without a token) and
 * pake-health.
 *
 * The cheap checks need no permission: they say nothing about anybody's
 * notes.  The thorough ones read the whole database (a denial of service
 * in the wrong hands) and the acting tenant's vault, so they are for
 * whoever may manage tenants: the local owner, a super_admin.
 */
#include "pake/health.h"
#include "pake/op.h"
#include "pake/ops.h"

/* The cheap checks for anyone; the thorough ones for tenant managers. */
static int
run_health(pake_ctx *c, const cJSON *in, cJSON **out, pake_err *e)
{
	int thorough = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in,
	    "thorough"));
	pake_health h;
	int rc;

	if (thorough && (rc = pake_ctx_allow(c, PAKE_P_TENANTS_MANAGE |
	    PAKE_P_NOTES_READ, e)) != 0)
		return rc;
	pake_health_run(c, thorough, &h);
	if ((*out = pake_health_json(&h)) == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
	return 0;
}

const pake_op pake_op_health = {
	"health", "Health checks",
	"Is the installation well: the database answers, its schema and WAL "
	"mode, the vault folder, pending vault syncs, free disk space; "
	"thorough adds integrity, the full-text index and vault against "
	"database.",
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"thorough\":{\"type\":\"boolean\",\"default\":false,\"description\":"
	"\"also the expensive checks of pake-db check (needs "
	"tenants:manage)\"}}}",
	"{\"type\":\"object\",\"required\":[\"status\",\"checks\"],"
	"\"properties\":{\"status\":{\"enum\":[\"ok\",\"fail\"]},"
	"\"checks\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"required\":[\"name\",\"ok\",\"detail\"],\"properties\":{"
	"\"name\":{\"type\":\"string\"},\"ok\":{\"type\":\"boolean\"},"
	"\"detail\":{\"type\":\"string\"}}}}}}",
	0, PAKE_OP_READONLY | PAKE_OP_IDEMPOTENT, run_health, NULL,
};
