{{/*
Name helpers, in the manner of Zero-to-JupyterHub's _helpers-names.tpl: every
object name comes from here, so a release can be renamed with fullnameOverride.
*/}}

{{/* The release-wide prefix: "<release>-turing", or the release name when it already says turing. */}}
{{- define "turing.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains "turing" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-turing" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* hub-proxy's Deployment, Service, ServiceAccount, Role and bindings. */}}
{{- define "turing.hubProxy.fullname" -}}
{{- printf "%s-hub-proxy" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The ServiceAccount hub-proxy runs as. */}}
{{- define "turing.hubProxy.serviceAccountName" -}}
{{- if .Values.hubProxy.serviceAccount.create -}}
{{- .Values.hubProxy.serviceAccount.name | default (include "turing.hubProxy.fullname" .) -}}
{{- else -}}
{{- .Values.hubProxy.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "turing.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: turing
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: turing
{{- end -}}

{{/*
Selector labels of one component. Call with (dict "root" $ "component" "hub-proxy").
run pods' NetworkPolicy selects hub-proxy by part-of + component.
*/}}
{{- define "turing.selectorLabels" -}}
app.kubernetes.io/name: turing
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: turing
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of one component's objects: common labels plus its component. */}}
{{- define "turing.componentLabels" -}}
{{ include "turing.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}
