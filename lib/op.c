/*
 * op.c: the registry table and the one way to call an operation.
 */
#include <string.h>
#include "pake/op.h"
#include "pake/ops.h"
#include "pake/searchlog.h"
#include "pake/vec.h"

static const pake_op *const ops[] = {
	&pake_op_create_note,
	&pake_op_get_note,
	&pake_op_update_note,
	&pake_op_delete_note,
	&pake_op_note_history,
	&pake_op_note_diff,
	&pake_op_note_restore,
	&pake_op_deleted_notes,
	&pake_op_prune_versions,
	&pake_op_note_conflicts,
	&pake_op_list_notes,
	&pake_op_search_notes,
	&pake_op_list_tags,
	&pake_op_get_note_by_id,
	&pake_op_notes_from_schema,
	&pake_op_tenant_create,
	&pake_op_tenant_show,
	&pake_op_tenant_list,
	&pake_op_tenant_suspend,
	&pake_op_tenant_resume,
	&pake_op_tenant_delete,
	&pake_op_tenant_limits,
	&pake_op_user_add,
	&pake_op_user_list,
	&pake_op_user_passwd,
	&pake_op_user_role,
	&pake_op_user_disable,
	&pake_op_user_enable,
	&pake_op_user_map_uid,
	&pake_op_token_create,
	&pake_op_token_list,
	&pake_op_token_revoke,
	&pake_op_audit_list,
	&pake_op_auth_login,
	&pake_op_auth_refresh,
	&pake_op_auth_logout,
	&pake_op_auth_me,
	&pake_op_health,
	&pake_op_search,
	&pake_op_obsidian_sync,
	&pake_op_vault_status,
	&pake_op_create_entities,
	&pake_op_create_relations,
	&pake_op_add_observations,
	&pake_op_delete_entities,
	&pake_op_delete_observations,
	&pake_op_delete_relations,
	&pake_op_read_graph,
	&pake_op_search_nodes,
	&pake_op_open_nodes,
	&pake_op_graph_neighbors,
	&pake_op_graph_links,
	&pake_op_graph_path,
	&pake_op_graph_context,
	&pake_op_graph_stats,
	&pake_op_graph_dangling,
	&pake_op_graph_import,
	&pake_op_graph_export,
	&pake_op_summarize,
	&pake_op_summarize_note,
	&pake_op_summarize_analytics,
	&pake_op_research_save,
	&pake_op_export_bibtex,
	&pake_op_ingest,
	&pake_op_search_log,
	&pake_op_search_log_flush,
	&pake_op_ml_metrics,
	&pake_op_ml_patterns,
	&pake_op_ml_insights,
	&pake_op_ml_knowledge_graph,
	&pake_op_ml_dashboard,
	&pake_op_analytics_dashboard,
	&pake_op_analytics_time_series,
	&pake_op_analytics_correlations,
	&pake_op_analytics_activity,
	&pake_op_analytics_report,
	&pake_op_analytics_health,
	&pake_op_analytics_insights,
	&pake_op_analytics_anomalies,
	&pake_op_analytics_usage,
	&pake_op_feed_add,
	&pake_op_feed_remove,
	&pake_op_feed_list,
	&pake_op_feed_poll,
	&pake_op_topic_add,
	&pake_op_topic_remove,
	&pake_op_topic_list,
	&pake_op_topic_poll,
	&pake_op_ingest_poll,
	&pake_op_auto_tag,
	&pake_op_extract_entities,
	&pake_op_extract_metadata,
	&pake_op_analyze_text,
	&pake_op_graph_process_document,
	&pake_op_graph_entity_create,
	&pake_op_graph_relationship_create,
	&pake_op_graph_entity_get,
	&pake_op_graph_entity_relationships,
	&pake_op_graph_entity_search,
	&pake_op_graph_visualize,
	&pake_op_graph_distribution,
	&pake_op_graph_insights,
	&pake_op_knowledge_graph,
	&pake_op_knowledge_graph_update,
	&pake_op_related_notes,
	&pake_op_vectors_refit,
	&pake_op_vectors_status,
	&pake_op_note_clusters,
	&pake_op_semantic_add_documents,
	&pake_op_semantic_search,
	&pake_op_semantic_similar,
	&pake_op_semantic_analytics,
	&pake_op_semantic_cluster,
};
#define NOPS (sizeof ops / sizeof ops[0])
_Static_assert(NOPS <= PAKE_CTX_SCHEMAS, "grow PAKE_CTX_SCHEMAS");

size_t
pake_op_count(void)
{
	return NOPS;
}

const pake_op *
pake_op_at(size_t i)
{
	return i < NOPS ? ops[i] : NULL;
}

const pake_op *
pake_op_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < NOPS; i++)
		if (strcmp(ops[i]->name, name) == 0)
			return ops[i];
	return NULL;
}

int
pake_op_call(pake_ctx *c, const char *name, const cJSON *in, cJSON **out,
    pake_err *e)
{
	const pake_op *op = NULL;
	cJSON *empty = NULL;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; name && i < NOPS; i++)
		if (strcmp(ops[i]->name, name) == 0) {
			op = ops[i];
			break;
		}
	if (op == NULL)
		return pake_fail(e, PAKE_ENOTFOUND, "Unknown operation",
		    "operation %.64s", name ? name : "(null)");
	if ((rc = pake_ctx_allow(c, op->perm, e)) != 0)
		return rc;
	if (in == NULL)
		in = empty = cJSON_CreateObject();
	if (c->schema[i] == NULL)
		c->schema[i] = cJSON_Parse(op->input_schema);
	if (c->schema[i] == NULL || in == NULL) {
		cJSON_Delete(empty);
		return pake_fail(e, PAKE_EINTERNAL, NULL, "schema of %s", name);
	}
	rc = pake_schema_check(c->schema[i], in, e);
	if (rc == 0)
		rc = op->run(c, in, out, e);
	cJSON_Delete(empty);
	/* Notes a write left waiting for an embedding get it now, after the
	 * commit (lib/vec_embed.c); nothing when no provider is set. */
	if (rc == 0 && !(op->hints & PAKE_OP_READONLY)) {
		pake_err le = {0};

		pake_vec_embed_after(c, 1);
		/* A writer folds the tenant's searches into its store. */
		if (c->store && pake_searchlog_flush(c, &le) != 0 && c->log)
			pake_log_msg(c->log, PAKE_LOG_WARN, "search log: %s",
			    le.detail);
	}
	if (rc == 0 && *out == NULL)
		rc = pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "%s", name);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}
