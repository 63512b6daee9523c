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
extern const pake_op pake_op_note_history;
extern const pake_op pake_op_note_diff;
extern const pake_op pake_op_note_restore;
extern const pake_op pake_op_deleted_notes;
extern const pake_op pake_op_prune_versions;
extern const pake_op pake_op_note_conflicts;
extern const pake_op pake_op_list_notes;
extern const pake_op pake_op_search_notes;
extern const pake_op pake_op_list_tags;
extern const pake_op pake_op_get_note_by_id;
extern const pake_op pake_op_notes_from_schema;
extern const pake_op pake_op_tenant_create;
extern const pake_op pake_op_tenant_show;
extern const pake_op pake_op_tenant_list;
extern const pake_op pake_op_tenant_suspend;
extern const pake_op pake_op_tenant_resume;
extern const pake_op pake_op_tenant_delete;
extern const pake_op pake_op_tenant_limits;
extern const pake_op pake_op_user_add;
extern const pake_op pake_op_user_list;
extern const pake_op pake_op_user_passwd;
extern const pake_op pake_op_user_role;
extern const pake_op pake_op_user_disable;
extern const pake_op pake_op_user_enable;
extern const pake_op pake_op_user_map_uid;
extern const pake_op pake_op_token_create;
extern const pake_op pake_op_token_list;
extern const pake_op pake_op_token_revoke;
extern const pake_op pake_op_audit_list;
extern const pake_op pake_op_auth_login;
extern const pake_op pake_op_auth_refresh;
extern const pake_op pake_op_auth_logout;
extern const pake_op pake_op_auth_me;
extern const pake_op pake_op_health;
extern const pake_op pake_op_search;
extern const pake_op pake_op_obsidian_sync;
extern const pake_op pake_op_vault_status;
extern const pake_op pake_op_create_entities;
extern const pake_op pake_op_create_relations;
extern const pake_op pake_op_add_observations;
extern const pake_op pake_op_delete_entities;
extern const pake_op pake_op_delete_observations;
extern const pake_op pake_op_delete_relations;
extern const pake_op pake_op_read_graph;
extern const pake_op pake_op_search_nodes;
extern const pake_op pake_op_open_nodes;
extern const pake_op pake_op_graph_neighbors;
extern const pake_op pake_op_graph_links;
extern const pake_op pake_op_graph_path;
extern const pake_op pake_op_graph_context;
extern const pake_op pake_op_graph_stats;
extern const pake_op pake_op_graph_dangling;
extern const pake_op pake_op_graph_import;
extern const pake_op pake_op_graph_export;
extern const pake_op pake_op_summarize;
extern const pake_op pake_op_summarize_note;
extern const pake_op pake_op_summarize_analytics;
extern const pake_op pake_op_research_save;
extern const pake_op pake_op_export_bibtex;
extern const pake_op pake_op_ingest;
extern const pake_op pake_op_search_log;
extern const pake_op pake_op_search_log_flush;
extern const pake_op pake_op_feed_add;
extern const pake_op pake_op_feed_remove;
extern const pake_op pake_op_feed_list;
extern const pake_op pake_op_feed_poll;
extern const pake_op pake_op_topic_add;
extern const pake_op pake_op_topic_remove;
extern const pake_op pake_op_topic_list;
extern const pake_op pake_op_topic_poll;
extern const pake_op pake_op_ingest_poll;
extern const pake_op pake_op_auto_tag;
extern const pake_op pake_op_extract_entities;
extern const pake_op pake_op_extract_metadata;
extern const pake_op pake_op_analyze_text;
extern const pake_op pake_op_graph_process_document;
extern const pake_op pake_op_graph_entity_create;
extern const pake_op pake_op_graph_relationship_create;
extern const pake_op pake_op_graph_entity_get;
extern const pake_op pake_op_graph_entity_relationships;
extern const pake_op pake_op_graph_entity_search;
extern const pake_op pake_op_graph_visualize;
extern const pake_op pake_op_graph_distribution;
extern const pake_op pake_op_graph_insights;
extern const pake_op pake_op_knowledge_graph;
extern const pake_op pake_op_knowledge_graph_update;
extern const pake_op pake_op_related_notes;
extern const pake_op pake_op_vectors_refit;
extern const pake_op pake_op_vectors_status;
extern const pake_op pake_op_note_clusters;
extern const pake_op pake_op_semantic_add_documents;
extern const pake_op pake_op_semantic_search;
extern const pake_op pake_op_semantic_similar;
extern const pake_op pake_op_semantic_analytics;
extern const pake_op pake_op_semantic_cluster;

#endif
