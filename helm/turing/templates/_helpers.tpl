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

{{/*
Names hub-proxy's config refers to. Helm renders the seed ConfigMaps; the
editable ones (catalog, quotas) are created by hub-proxy and never by helm,
so an upgrade cannot wipe admins' edits.
*/}}

{{/* The coordination.k8s.io Lease of the controllers (config `leaseName`). */}}
{{- define "turing.hubProxy.leaseName" -}}
{{- printf "%s-controllers" (include "turing.hubProxy.fullname" .) -}}
{{- end -}}

{{/* The editable catalog ConfigMap hub-proxy creates from the seed (config `catalogConfigMap`). */}}
{{- define "turing.catalogConfigMapName" -}}
{{- printf "%s-catalog" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The ConfigMap of the catalog seed that helm renders and hub-proxy mounts. */}}
{{- define "turing.catalogSeedConfigMapName" -}}
{{- printf "%s-catalog-seed" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The editable quotas ConfigMap hub-proxy creates (config `quotasConfigMap`). */}}
{{- define "turing.quotasConfigMapName" -}}
{{- printf "%s-quotas" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The runner ConfigMap (runner/*.py) mounted into run pods and model init containers (config `jobs.runnerConfigMap`). */}}
{{- define "turing.runnerConfigMapName" -}}
{{- printf "%s-runner" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The ConfigMap holding turing_profiles.py for the hub (mounted through z2jh values). */}}
{{- define "turing.hubConfigMapName" -}}
{{- printf "%s-hub-config" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The Service of the in-cluster model gateway (API-key listener). */}}
{{- define "turing.modelGateway.fullname" -}}
{{- printf "%s-models" (include "turing.fullname" .) -}}
{{- end -}}

{{/* The Service of hub-proxy's operations port (metrics). */}}
{{- define "turing.hubProxy.metricsName" -}}
{{- printf "%s-metrics" (include "turing.hubProxy.fullname" .) -}}
{{- end -}}

{{/* The filesystem artifact store's PVC: the existing one, or the chart's. */}}
{{- define "turing.artifacts.claimName" -}}
{{- .Values.artifacts.filesystem.existingClaim | default (printf "%s-artifacts" (include "turing.fullname" .)) -}}
{{- end -}}

{{/* hub-proxy's path prefix under the hub: <baseUrl>services/<serviceName>/. */}}
{{- define "turing.servicePrefix" -}}
{{- printf "%sservices/%s/" .Values.hub.baseUrl .Values.hub.serviceName -}}
{{- end -}}

{{/* hub-proxy's API as pods in the cluster reach it, with the service prefix (runner API, model files). */}}
{{- define "turing.hubProxy.inClusterUrl" -}}
{{- printf "http://%s.%s.svc:8000%s" (include "turing.hubProxy.fullname" .) .Release.Namespace (include "turing.servicePrefix" .) -}}
{{- end -}}

{{/* The hub REST API: configured, or z2jh's `hub` Service. */}}
{{- define "turing.hub.apiUrl" -}}
{{- .Values.hub.apiUrl | default (printf "http://hub:8081%shub/api" .Values.hub.baseUrl) -}}
{{- end -}}

{{/* hub-proxy's image; the tag defaults to appVersion and is never `latest`. */}}
{{- define "turing.hubProxy.image" -}}
{{- $tag := .Values.hubProxy.image.tag | default .Chart.AppVersion | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "hubProxy.image.tag: `latest` is not allowed; pin a version" -}}
{{- end -}}
{{- printf "%s:%s" .Values.hubProxy.image.name $tag -}}
{{- end -}}

{{/* The runner image (models' init container that fetches model files); tag defaults to appVersion. */}}
{{- define "turing.modelGateway.initImage" -}}
{{- $tag := .Values.modelGateway.initImage.tag | default .Chart.AppVersion | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "modelGateway.initImage.tag: `latest` is not allowed; pin a version" -}}
{{- end -}}
{{- printf "%s:%s" .Values.modelGateway.initImage.name $tag -}}
{{- end -}}
