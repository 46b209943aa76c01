{{/*
hub-proxy's TURING_CONFIG file: the keys the chart derives (where things
are in the cluster), deep-merged with .Values.hubProxy.config. The hub API
token is not in it: the Deployment mounts it from the hub's Secret and
points TURING_API_TOKEN_FILE at it. S3 keys come as AWS_* variables.
*/}}
{{- define "turing.hubProxy.configObject" -}}
{{- $artifacts := dict "backend" .Values.artifacts.backend -}}
{{- if eq .Values.artifacts.backend "filesystem" -}}
{{- $_ := set $artifacts "directory" "/srv/turing/artifacts" -}}
{{- else -}}
{{- $s3 := .Values.artifacts.s3 -}}
{{- $_ := set $artifacts "bucket" (required "artifacts.s3.bucket is required when artifacts.backend is s3" $s3.bucket) -}}
{{- $_ := set $artifacts "region" $s3.region -}}
{{- $_ := set $artifacts "forcePathStyle" $s3.forcePathStyle -}}
{{- with $s3.endpoint }}{{ $_ := set $artifacts "endpoint" . }}{{ end -}}
{{- end -}}
{{- with .Values.artifacts.maxObjectBytes }}{{ $_ := set $artifacts "maxObjectBytes" (int64 .) }}{{ end -}}
{{- with .Values.artifacts.maxOwnerBytes }}{{ $_ := set $artifacts "maxOwnerBytes" (int64 .) }}{{ end -}}
{{- $inCluster := include "turing.hubProxy.inClusterUrl" . -}}
{{- $models := dict "apiKeyListenHost" "0.0.0.0" "artifactApiUrl" $inCluster "initImage" (include "turing.modelGateway.initImage" .) -}}
{{- if .Values.modelGateway.enabled -}}
{{- $_ := set $models "apiKeyListenPort" 8082 -}}
{{- $_ := set $models "apiKeyBaseUrl" (printf "http://%s.%s.svc:8082" (include "turing.modelGateway.fullname" .) .Release.Namespace) -}}
{{- else -}}
{{- $_ := set $models "apiKeyListenPort" -1 -}}
{{- end -}}
{{- $derived := dict
  "runtime" "kubernetes"
  "namespace" .Release.Namespace
  "serviceName" .Values.hub.serviceName
  "baseUrl" .Values.hub.baseUrl
  "hubApiUrl" (include "turing.hub.apiUrl" .)
  "listenHost" "0.0.0.0"
  "listenPort" 8000
  "opsListenHost" "0.0.0.0"
  "opsListenPort" 9090
  "leaseName" (include "turing.hubProxy.leaseName" .)
  "catalogPath" "/etc/turing/catalog/catalog.yaml"
  "compatibilityPath" "/etc/turing/catalog/compatibility.yaml"
  "catalogConfigMap" (include "turing.catalogConfigMapName" .)
  "quotasConfigMap" (include "turing.quotasConfigMapName" .)
  "artifacts" $artifacts
  "jobs" (dict "runnerApiUrl" $inCluster "runnerConfigMap" (include "turing.runnerConfigMapName" .))
  "models" $models
-}}
{{- mustMergeOverwrite $derived (deepCopy .Values.hubProxy.config) | toPrettyJson -}}
{{- end -}}
