package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// openAPI builds the OpenAPI 3.0 document of the documented routes.
func (s *Server) openAPI() ([]byte, error) {
	paths := map[string]map[string]any{}
	for _, r := range s.routes() {
		if !r.Doc {
			continue
		}
		p := openAPIPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = operation(r)
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "beamline API",
			"version": "1.0.0",
			"description": "Published results of the beamline pipelines (the original Hadoop/Pig/Spark analyses), " +
				"their runs and rejects, and the services' status. Money is a JSON number with 2 decimals. " +
				"Errors are {\"error\", \"detail\"}; 503 while MongoDB is unreachable.",
		},
		"paths": paths,
		"components": map[string]any{"schemas": schemas(), "securitySchemes": map[string]any{
			"bearerToken": map[string]any{"type": "http", "scheme": "bearer",
				"description": "the server's $BEAMLINE_TOKEN; the routes that change state are off (403) when it is unset"}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// openAPIPath turns Echo's /a/:b into OpenAPI's /a/{b}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func operation(r route) map[string]any {
	params := []any{}
	for _, p := range r.Params {
		schema := map[string]any{"type": p.Type}
		if len(p.Enum) > 0 {
			schema["enum"] = p.Enum
		}
		if p.Max > 0 {
			schema["minimum"], schema["maximum"] = p.Min, p.Max
		}
		if p.Default != nil {
			schema["default"] = p.Default
		}
		params = append(params, map[string]any{
			"name": p.Name, "in": p.In, "required": p.In == "path", "description": p.Desc, "schema": schema,
		})
	}
	ok := map[string]any{"description": "OK"}
	switch {
	case r.Schema != "":
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(r.Schema)}}
	case len(r.Content) > 0:
		content := map[string]any{}
		for _, t := range r.Content {
			content[t] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		}
		ok["content"] = content
	}
	status := http.StatusOK
	if r.OK != 0 {
		status = r.OK
	}
	ok["description"] = http.StatusText(status)
	responses := map[string]any{strconv.Itoa(status): ok}
	for _, code := range append(r.Errors, http.StatusInternalServerError) {
		responses[strconv.Itoa(code)] = map[string]any{
			"description": http.StatusText(code),
			"content":     map[string]any{"application/json": map[string]any{"schema": ref("Error")}},
		}
	}
	op := map[string]any{"summary": r.Summary, "parameters": params, "responses": responses,
		"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", ".", "_", "-", "_").Replace(r.Path)}
	if r.Body != "" {
		op["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/json": map[string]any{"schema": ref(r.Body)}}}
	}
	if r.Auth {
		op["security"] = []any{map[string]any{"bearerToken": []string{}}}
	}
	return op
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func arr(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

func typ(t, desc string) map[string]any {
	m := map[string]any{"type": t}
	if desc != "" {
		m["description"] = desc
	}
	return m
}

var (
	tString  = typ("string", "")
	tInt     = typ("integer", "")
	tMoney   = typ("number", "money: exact, 2 decimals")
	tDecimal = typ("number", "up to 4 decimals")
	tTime    = map[string]any{"type": "string", "format": "date-time"}
)

// schemas are the components the routes refer to.
func schemas() map[string]any {
	column := obj(map[string]any{"name": tString,
		"type": map[string]any{"type": "string", "enum": []string{"string", "int", "money", "decimal", "date", "bool"}}}, "name", "type")
	value := map[string]any{"nullable": true, "description": "a value typed by its column: string, integer, number (money with 2 decimals) or boolean; date as yyyy-MM-dd",
		"oneOf": []any{tString, typ("number", ""), typ("boolean", "")}}
	row := map[string]any{"type": "object", "additionalProperties": value, "description": "column name → value, in column order"}
	reason := obj(map[string]any{"reason": tString, "count": tInt}, "reason", "count")
	pageProps := map[string]any{"columns": arr(ref("Column")), "rows": arr(ref("Row")), "page": tInt, "page_size": tInt,
		"total": typ("integer", "rows that match (all rows without q)"), "run_id": tString, "produced_at": tTime}
	rejectsProps := map[string]any{"reasons": arr(ref("ReasonCount"))}
	for k, v := range pageProps {
		rejectsProps[k] = v
	}
	service := obj(map[string]any{
		"status": map[string]any{"type": "string", "enum": []string{"connected", "disconnected", "not configured"}},
		"info":   typ("object", "hadoop: namenode, total_capacity, used_capacity, available_capacity, total_files, total_directories, live_nodes, dead_nodes…; spark: endpoint, jobs_running, jobs_done, jobs_failed, jobs_cancelled, jobs_total, jobs"),
		"error":  tString}, "status", "info")
	return map[string]any{
		"Error":       obj(map[string]any{"error": tString, "detail": typ("string", "what went wrong, naming the parameter")}, "error", "detail"),
		"Health":      obj(map[string]any{"status": tString}, "status"),
		"OpenAPI":     typ("object", "an OpenAPI 3.0 document"),
		"Column":      column,
		"Row":         row,
		"ReasonCount": reason,
		"Page":        obj(pageProps, "columns", "rows", "page", "page_size", "total", "run_id", "produced_at"),
		"RejectsPage": obj(rejectsProps, "columns", "rows", "page", "page_size", "total", "reasons"),
		"Dataset": obj(map[string]any{"family": tString, "name": tString, "path": tString, "analysis": tString, "pipeline": tString,
			"columns": arr(ref("Column")), "order": tString, "rows": tInt, "run_id": tString, "produced_at": tTime}),
		"DatasetList": obj(map[string]any{"datasets": arr(ref("Dataset"))}, "datasets"),
		"Rejects": obj(map[string]any{"pipeline": tString, "dataset": tString, "path": tString, "rows": tInt,
			"reasons": arr(ref("ReasonCount")), "run_id": tString, "produced_at": tTime}),
		"RejectsList": obj(map[string]any{"datasets": arr(ref("Rejects"))}, "datasets"),
		"Run": obj(map[string]any{"id": tString, "pipeline": tString, "runner": tString, "input": tString, "output": tString,
			"status": map[string]any{"type": "string", "enum": []string{"running", "failed", "publishing", "published"}},
			"error":  tString, "started": tTime, "finished": tTime, "published_at": tTime, "duration_ms": tInt, "publish_ms": tInt,
			"inputs":   arr(obj(map[string]any{"input": tString, "read": tInt, "clean": tInt, "rejected": tInt})),
			"datasets": arr(obj(map[string]any{"path": tString, "family": tString, "analysis": tString, "rows": tInt, "replaced": typ("boolean", "")})),
			"params":   map[string]any{"type": "object", "additionalProperties": tString},
			"progress": typ("object", "for runs started by POST /api/jobs: the pipeline's last progress update (stage, read, written, elapsed_ms, error)")}),
		"JobRequest": obj(map[string]any{
			"pipeline": map[string]any{"type": "string", "enum": []string{"employees", "sales", "advanced", "mongo"}},
			"args": obj(map[string]any{"as_of": map[string]any{"type": "string", "format": "date",
				"description": "advanced only: the date its analyses take as today"}})}, "pipeline"),
		"JobStarted": obj(map[string]any{"run_id": tString, "pipeline": tString, "status": tString,
			"run": typ("string", "where the run's progress and result are: /api/runs/<run_id>")}, "run_id", "pipeline", "status", "run"),
		"RunList": obj(map[string]any{"runs": arr(ref("Run"))}, "runs"),
		"SalesByRegion": arr(obj(map[string]any{"region": tString, "total_sales": tMoney, "transactions": tInt, "avg_transaction": tMoney},
			"region", "total_sales", "transactions", "avg_transaction")),
		"SalesByCategory": arr(obj(map[string]any{"category": tString, "total_sales": tMoney, "transactions": tInt, "total_quantity": tInt,
			"avg_price": tMoney, "revenue_per_unit": tMoney})),
		"PigResults": obj(map[string]any{
			"department_analysis": arr(obj(map[string]any{"department": tString, "employees": tInt, "avg_salary": tMoney,
				"total_salary": map[string]any{"type": "number", "nullable": true, "description": "null unless an analysis publishes the exact total"}})),
			"age_group_analysis": arr(obj(map[string]any{"age_group": tString, "count": tInt, "avg_salary": tMoney})),
			"city_analysis":      arr(obj(map[string]any{"city": tString, "employees": tInt, "avg_salary": tMoney}))}),
		"SparkResults": obj(map[string]any{
			"customer_segments":    arr(obj(map[string]any{"segment": tString, "count": tInt, "avg_value": tMoney, "total_revenue": tMoney})),
			"regional_performance": arr(obj(map[string]any{"region": tString, "revenue": tMoney, "customers": tInt, "avg_order": tMoney})),
			"product_performance": arr(obj(map[string]any{"product": tString, "sales": tMoney, "units": tInt,
				"margin": map[string]any{"type": "number", "nullable": true, "description": "% of the total revenue, 4 decimals"}}))}),
		"Collections": map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"count": tInt, "sample": arr(typ("object", ""))})},
		"Status": obj(map[string]any{
			"mongodb": obj(map[string]any{"status": tString, "latency_ms": typ("number", ""), "collections": arr(tString),
				"counts": map[string]any{"type": "object", "additionalProperties": tInt}, "error": tString}),
			"hadoop": service, "spark": service,
			"api": obj(map[string]any{"status": tString, "uptime_s": tInt, "requests": tInt, "errors": typ("integer", "responses with status ≥ 500"),
				"error_rate": tDecimal})}),
	}
}
