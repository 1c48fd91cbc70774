/*
 * diagnostics.c - collecting file:line:col problems.
 */
#include "lantern/diagnostics.h"
#include "common/buffer.h"
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lantern_status push(lantern_diagnostics *list, lantern_diagnostic item)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 8;
		lantern_diagnostic *grown = realloc(list->items, capacity * sizeof(*grown));
		if (!grown)
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "diagnostics");
		list->items = grown;
		list->capacity = capacity;
	}
	list->items[list->count++] = item;
	if (item.severity == LANTERN_SEVERITY_ERROR)
		list->error_count++;
	else if (item.severity == LANTERN_SEVERITY_WARNING)
		list->warning_count++;
	return LANTERN_OK;
}

lantern_status lantern_diagnostics_add(lantern_diagnostics *list, lantern_severity severity,
                                       const char *path, unsigned line, unsigned column,
                                       const char *format, ...)
{
	if (list->count > LANTERN_DIAGNOSTICS_MAX)
		return LANTERN_OK;
	lantern_diagnostic item = { severity, NULL, line, column, NULL };
	char message[1024];
	if (list->count == LANTERN_DIAGNOSTICS_MAX) {
		item.severity = LANTERN_SEVERITY_ERROR;
		item.line = item.column = 0;
		snprintf(message, sizeof(message), "too many problems; stopped reporting after %d",
		         LANTERN_DIAGNOSTICS_MAX);
	} else {
		va_list args;
		va_start(args, format);
		vsnprintf(message, sizeof(message), format, args);
		va_end(args);
	}
	item.path = strdup(path ? path : "");
	item.message = strdup(message);
	if (!item.path || !item.message) {
		free(item.path);
		free(item.message);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "diagnostic");
	}
	lantern_status status = push(list, item);
	if (status != LANTERN_OK) {
		free(item.path);
		free(item.message);
	}
	return status;
}

lantern_status lantern_diagnostics_take(lantern_diagnostics *to, lantern_diagnostics *from)
{
	lantern_status status = LANTERN_OK;
	for (size_t i = 0; i < from->count; i++) {
		if (status == LANTERN_OK)
			status = push(to, from->items[i]);
		if (status != LANTERN_OK) {
			free(from->items[i].path);
			free(from->items[i].message);
		}
	}
	free(from->items);
	memset(from, 0, sizeof(*from));
	return status;
}

char *lantern_diagnostic_format(const lantern_diagnostic *item)
{
	static const char *const names[] = { "error", "warning", "note" };
	lantern_buffer out = LANTERN_BUFFER_INIT(0);
	lantern_status status = LANTERN_OK;
	if (item->path && item->path[0])
		status = lantern_buffer_printf(&out, "%s:", item->path);
	if (status == LANTERN_OK && item->line)
		status = lantern_buffer_printf(&out, "%u:%u:", item->line, item->column);
	if (status == LANTERN_OK)
		status = lantern_buffer_printf(&out, "%s%s: %s", out.length ? " " : "",
		                               names[item->severity], item->message);
	char *result = NULL;
	if (status == LANTERN_OK)
		lantern_buffer_detach(&out, &result);
	lantern_buffer_dispose(&out);
	return result;
}

void lantern_diagnostics_clear(lantern_diagnostics *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].path);
		free(list->items[i].message);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}
