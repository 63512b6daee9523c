/*
 * schema.c: a small JSON Schema validator for the registry's inputs.
 *
 * It knows the keywords pake's own schemas use and ignores the rest
 * (description, title, default): the schemas are ours, the values are the
 * hostile part.  The location of the first failure goes to the detail
 * ("filters.limit: above maximum 100") for the log and for --json users;
 * the message stays the fixed sentence.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "pake/op.h"
#include "pake/util.h"

#define SCHEMA_DEPTH_MAX 32

static int check(const cJSON *s, const cJSON *v, char *path, size_t plen,
    int depth, pake_err *e);

static int
bad(pake_err *e, const char *path, const char *why)
{
	return pake_fail(e, PAKE_EINVAL, NULL, "%s: %s", *path ? path : "input",
	    why);
}

/* Does v have JSON Schema type name t? */
static int
is_type(const cJSON *v, const char *t)
{
	if (strcmp(t, "object") == 0)
		return cJSON_IsObject(v);
	if (strcmp(t, "array") == 0)
		return cJSON_IsArray(v);
	if (strcmp(t, "string") == 0)
		return cJSON_IsString(v);
	if (strcmp(t, "boolean") == 0)
		return cJSON_IsBool(v);
	if (strcmp(t, "null") == 0)
		return cJSON_IsNull(v);
	if (strcmp(t, "number") == 0)
		return cJSON_IsNumber(v) && isfinite(v->valuedouble);
	if (strcmp(t, "integer") == 0)
		return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
		    floor(v->valuedouble) == v->valuedouble &&
		    fabs(v->valuedouble) < 9007199254740992.0;
	return 0;
}

/* Code points in a UTF-8 string (bytes when not UTF-8). */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int
check_type(const cJSON *s, const cJSON *v, const char *path, pake_err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type"), *it;

	if (t == NULL)
		return 0;
	if (cJSON_IsString(t))
		return is_type(v, t->valuestring) ? 0 : bad(e, path, "wrong type");
	cJSON_ArrayForEach(it, t)
		if (cJSON_IsString(it) && is_type(v, it->valuestring))
			return 0;
	return bad(e, path, "wrong type");
}

static int
check_object(const cJSON *s, const cJSON *v, char *path, size_t plen,
    int depth, pake_err *e)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
	const cJSON *addl = cJSON_GetObjectItemCaseSensitive(s,
	    "additionalProperties");
	const cJSON *it, *ps;
	size_t base = strlen(path);
	int rc;

	cJSON_ArrayForEach(it, req)
		if (cJSON_IsString(it) &&
		    !cJSON_GetObjectItemCaseSensitive(v, it->valuestring)) {
			snprintf(path + base, plen - base, "%s%s", base ? "." : "",
			    it->valuestring);
			return bad(e, path, "required");
		}
	cJSON_ArrayForEach(it, v) {
		ps = props ? cJSON_GetObjectItemCaseSensitive(props, it->string) :
		    NULL;
		snprintf(path + base, plen - base, "%s%.64s", base ? "." : "",
		    it->string);
		if (ps == NULL) {
			if (cJSON_IsFalse(addl))
				return bad(e, path, "unknown property");
			continue;
		}
		if ((rc = check(ps, it, path, plen, depth + 1, e)) != 0)
			return rc;
	}
	path[base] = '\0';
	return 0;
}

static int
check_array(const cJSON *s, const cJSON *v, char *path, size_t plen,
    int depth, pake_err *e)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minItems");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maxItems");
	int n = cJSON_GetArraySize(v), i = 0, rc;
	size_t base = strlen(path);
	const cJSON *it;

	if (cJSON_IsNumber(mn) && n < mn->valuedouble)
		return bad(e, path, "too few items");
	if (cJSON_IsNumber(mx) && n > mx->valuedouble)
		return bad(e, path, "too many items");
	if (items == NULL)
		return 0;
	cJSON_ArrayForEach(it, v) {
		snprintf(path + base, plen - base, "[%d]", i++);
		if ((rc = check(items, it, path, plen, depth + 1, e)) != 0)
			return rc;
	}
	path[base] = '\0';
	return 0;
}

static int
check_scalar(const cJSON *s, const cJSON *v, const char *path, pake_err *e)
{
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(s, "enum");
	const cJSON *it;
	double d;

	if (en) {
		cJSON_ArrayForEach(it, en)
			if (cJSON_Compare(it, v, 1))
				break;
		if (it == NULL)
			return bad(e, path, "not one of the allowed values");
	}
	if (cJSON_IsString(v)) {
		size_t n = strlen(v->valuestring);
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minLength");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maxLength");
		if (!pake_utf8_valid(v->valuestring, n))
			return bad(e, path, "not UTF-8");
		if (cJSON_IsNumber(mn) && chars(v->valuestring) < mn->valuedouble)
			return bad(e, path, "too short");
		if (cJSON_IsNumber(mx) && chars(v->valuestring) > mx->valuedouble)
			return bad(e, path, "too long");
	}
	if (cJSON_IsNumber(v)) {
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minimum");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maximum");
		d = v->valuedouble;
		if (cJSON_IsNumber(mn) && d < mn->valuedouble)
			return bad(e, path, "below minimum");
		if (cJSON_IsNumber(mx) && d > mx->valuedouble)
			return bad(e, path, "above maximum");
	}
	return 0;
}

static int
check(const cJSON *s, const cJSON *v, char *path, size_t plen, int depth,
    pake_err *e)
{
	const cJSON *any = cJSON_GetObjectItemCaseSensitive(s, "anyOf"), *it;
	int rc;

	if (depth > SCHEMA_DEPTH_MAX)
		return bad(e, path, "nested too deeply");
	if (any) {
		cJSON_ArrayForEach(it, any)
			if (check(it, v, path, plen, depth + 1, e) == 0)
				break;
		if (it == NULL)
			return bad(e, path, "matches none of the allowed forms");
		pake_err_clear(e);
	}
	if ((rc = check_type(s, v, path, e)) != 0 ||
	    (rc = check_scalar(s, v, path, e)) != 0)
		return rc;
	if (cJSON_IsObject(v))
		return check_object(s, v, path, plen, depth, e);
	if (cJSON_IsArray(v))
		return check_array(s, v, path, plen, depth, e);
	return 0;
}

int
pake_schema_check(const cJSON *schema, const cJSON *v, pake_err *e)
{
	char path[256] = "";

	if (v == NULL)
		return pake_fail(e, PAKE_EINVAL, NULL, "input: missing");
	return check(schema, v, path, sizeof path, 0, e);
}
