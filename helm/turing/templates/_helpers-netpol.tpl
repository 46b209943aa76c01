{{/*
Egress rules of the run and model pods' NetworkPolicies from switches in the
manner of z2jh's egressAllowRules. Call with (list $ .Values.networkPolicy.runs).

Egress is an allow-list, so "the internet except" is an ipBlock with except:
the cloud metadata service (169.254.169.254, fd00:ec2::254) and the EKS Pod
Identity agent (169.254.170.23, fd00:ec2::23) hand out node or pod
credentials; the private and shared ranges (RFC 1918, RFC 6598, IPv6 ULA)
hold pods, services and nodes, so users' servers, the hub and the API server
stay out of reach. The rest of 169.254.0.0/16 stays open for NodeLocal
DNSCache (169.254.20.10).
*/}}
{{- define "turing.networkPolicy.egressRules" -}}
{{- $root := index . 0 -}}
{{- $policy := index . 1 -}}
{{- $allow := $policy.egressAllowRules -}}
{{- if $allow.dns }}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
{{- end }}
{{- if $allow.nonPrivateIPs }}
{{- $v4 := list -}}
{{- $v6 := list -}}
{{- if not $allow.cloudMetadataServer }}
{{- $v4 = concat $v4 (list "169.254.169.254/32" "169.254.170.23/32") }}
{{- $v6 = concat $v6 (list "fd00:ec2::254/128" "fd00:ec2::23/128") }}
{{- end }}
{{- if not $allow.privateIPs }}
{{- $v4 = concat $v4 (list "10.0.0.0/8" "172.16.0.0/12" "192.168.0.0/16" "100.64.0.0/10") }}
{{- $v6 = append $v6 "fc00::/7" }}
{{- end }}
- to:
    - ipBlock:
        cidr: 0.0.0.0/0
        {{- with $v4 }}
        except:
          {{- toYaml . | nindent 10 }}
        {{- end }}
    - ipBlock:
        cidr: ::/0
        {{- with $v6 }}
        except:
          {{- toYaml . | nindent 10 }}
        {{- end }}
{{- else }}
{{- if $allow.privateIPs }}
- to:
    - ipBlock:
        cidr: 10.0.0.0/8
    - ipBlock:
        cidr: 172.16.0.0/12
    - ipBlock:
        cidr: 192.168.0.0/16
    - ipBlock:
        cidr: 100.64.0.0/10
    - ipBlock:
        cidr: fc00::/7
{{- end }}
{{- if $allow.cloudMetadataServer }}
- to:
    - ipBlock:
        cidr: 169.254.169.254/32
    - ipBlock:
        cidr: 169.254.170.23/32
    - ipBlock:
        cidr: fd00:ec2::254/128
    - ipBlock:
        cidr: fd00:ec2::23/128
{{- end }}
{{- end }}
{{- with $policy.egress }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The egress rule to hub-proxy's API port (runner API, model files). */}}
{{- define "turing.networkPolicy.toHubProxy" -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "turing.selectorLabels" (dict "root" . "component" "hub-proxy") | nindent 10 }}
  ports:
    - protocol: TCP
      port: 8000
{{- end -}}
