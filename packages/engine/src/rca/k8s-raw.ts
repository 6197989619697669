import { z } from "zod";

/**
 * Tolerant zod schemas for Kubernetes objects as `kubectl get -o json`, the raw API and
 * @kubernetes/client-node return them. Only the fields the RCA reads are declared; everything
 * else passes through. Nullable everywhere the API really sends null.
 */

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 (and MicroTime) string or a Date (client-node deserializes to Date); normalized to ISO. */
export const K8sTime = z
  .union([z.string(), z.date()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return undefined;
    const ms = v instanceof Date ? v.getTime() : RFC3339.test(v) ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: `malformed timestamp ${JSON.stringify(v instanceof Date ? "Invalid Date" : v)}` });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

const str = z.string().nullish().transform((v) => v ?? undefined);
const labels = z
  .record(z.string(), z.string())
  .nullish()
  .transform((v) => v ?? {});
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const RawMeta = z.looseObject({
  name: z.string(),
  namespace: str,
  uid: str,
  labels,
  annotations: labels,
  creationTimestamp: K8sTime,
  deletionTimestamp: K8sTime,
  ownerReferences: list(z.looseObject({ kind: z.string(), name: z.string(), controller: z.boolean().nullish() })),
});

const int = z.number().int().nullish().transform((v) => v ?? undefined);
const portRef = z.union([z.number().int(), z.string()]).nullish().transform((v) => v ?? undefined);

/** httpGet, tcpSocket and grpc probes name the port they check; exec probes have none. */
const RawProbe = z
  .looseObject({
    httpGet: z.looseObject({ port: portRef }).nullish(),
    tcpSocket: z.looseObject({ port: portRef }).nullish(),
    grpc: z.looseObject({ port: portRef }).nullish(),
  })
  .nullish();

export const RawCondition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: str,
  message: str,
  lastTransitionTime: K8sTime,
});

const RawTerminated = z.looseObject({
  reason: str,
  exitCode: z.number().int().nullish().transform((v) => v ?? undefined),
  startedAt: K8sTime,
  finishedAt: K8sTime,
});

export const RawState = z
  .looseObject({
    waiting: z.looseObject({ reason: str, message: str }).nullish(),
    running: z.looseObject({ startedAt: K8sTime }).nullish(),
    terminated: RawTerminated.nullish(),
  })
  .nullish();

export const RawPod = z.looseObject({
  metadata: RawMeta,
  spec: z
    .looseObject({
      nodeName: str,
      containers: list(
        z.looseObject({
          name: z.string(),
          image: str,
          ports: list(z.looseObject({ name: str, containerPort: z.number().int() })),
          readinessProbe: RawProbe,
          resources: z
            .looseObject({ limits: z.record(z.string(), z.union([z.string(), z.number()])).nullish() })
            .nullish(),
        }),
      ),
    })
    .nullish(),
  status: z
    .looseObject({
      phase: str,
      podIP: str,
      conditions: list(RawCondition),
      containerStatuses: list(
        z.looseObject({
          name: z.string(),
          ready: z.boolean().nullish(),
          restartCount: z.number().int().nullish(),
          image: str,
          state: RawState,
          lastState: RawState,
        }),
      ),
    })
    .nullish(),
});

export const RawService = z.looseObject({
  metadata: RawMeta,
  spec: z
    .looseObject({
      selector: z.record(z.string(), z.string()).nullish(),
      ports: list(
        z.looseObject({
          name: str,
          port: z.number().int(),
          targetPort: z.union([z.number().int(), z.string()]).nullish(),
        }),
      ),
    })
    .nullish(),
});

const RawEndpointAddress = z.looseObject({
  ip: z.string(),
  nodeName: str,
  targetRef: z.looseObject({ kind: str, name: str }).nullish(),
});

export const RawEndpoints = z.looseObject({
  metadata: RawMeta,
  subsets: list(
    z.looseObject({
      addresses: list(RawEndpointAddress),
      notReadyAddresses: list(RawEndpointAddress),
    }),
  ),
});

export const RawEndpointSlice = z.looseObject({
  metadata: RawMeta,
  endpoints: list(
    z.looseObject({
      addresses: z.array(z.string()),
      conditions: z.looseObject({ ready: z.boolean().nullish() }).nullish(),
      nodeName: str,
      targetRef: z.looseObject({ kind: str, name: str }).nullish(),
    }),
  ),
});

const RawObjectRef = z.looseObject({ kind: str, namespace: str, name: str, uid: str, fieldPath: str });

const RawSeries = z
  .looseObject({ count: z.number().int().nullish(), lastObservedTime: K8sTime })
  .nullish();

export const RawCoreEvent = z.looseObject({
  metadata: RawMeta,
  involvedObject: RawObjectRef,
  reason: str,
  message: str,
  type: str,
  count: z.number().int().nullish(),
  firstTimestamp: K8sTime,
  lastTimestamp: K8sTime,
  eventTime: K8sTime,
  series: RawSeries,
  source: z.looseObject({ component: str }).nullish(),
  reportingComponent: str,
});

export const RawEventsV1Event = z.looseObject({
  metadata: RawMeta,
  regarding: RawObjectRef.nullish(),
  reason: str,
  note: str,
  type: str,
  eventTime: K8sTime,
  series: RawSeries,
  reportingController: str,
  deprecatedCount: z.number().int().nullish(),
  deprecatedFirstTimestamp: K8sTime,
  deprecatedLastTimestamp: K8sTime,
  deprecatedSource: z.looseObject({ component: str }).nullish(),
});

export const RawNode = z.looseObject({
  metadata: RawMeta,
  spec: z
    .looseObject({
      unschedulable: z.boolean().nullish(),
      taints: list(z.looseObject({ key: z.string(), effect: str, timeAdded: K8sTime })),
    })
    .nullish(),
  status: z.looseObject({ conditions: list(RawCondition) }).nullish(),
});

/** networking.k8s.io/v1 (`service.name` + `service.port.{name,number}`) and the old v1beta1 (`serviceName`/`servicePort`). */
const RawIngressBackend = z
  .looseObject({
    service: z
      .looseObject({
        name: z.string(),
        port: z.looseObject({ name: str, number: z.number().int().nullish() }).nullish(),
      })
      .nullish(),
    serviceName: str,
    servicePort: z.union([z.string(), z.number()]).nullish(),
  })
  .nullish();

export const RawIngress = z.looseObject({
  metadata: RawMeta,
  spec: z
    .looseObject({
      defaultBackend: RawIngressBackend,
      backend: RawIngressBackend,
      rules: list(
        z.looseObject({
          host: str,
          http: z.looseObject({ paths: list(z.looseObject({ path: str, backend: RawIngressBackend })) }).nullish(),
        }),
      ),
    })
    .nullish(),
});
export type RawIngressBackend = z.infer<typeof RawIngressBackend>;

const RawSelector = z.looseObject({ matchLabels: z.record(z.string(), z.string()).nullish() }).nullish();

export const RawDeployment = z.looseObject({
  metadata: RawMeta,
  spec: z
    .looseObject({
      replicas: int,
      selector: RawSelector,
      strategy: z.looseObject({ type: str }).nullish(),
      template: z.looseObject({ metadata: z.looseObject({ labels }).nullish() }).nullish(),
    })
    .nullish(),
  status: z
    .looseObject({ availableReplicas: int, readyReplicas: int, updatedReplicas: int, conditions: list(RawCondition) })
    .nullish(),
});

export const RawReplicaSet = z.looseObject({
  metadata: RawMeta,
  spec: z.looseObject({ replicas: int }).nullish(),
  status: z
    .looseObject({ replicas: int, readyReplicas: int, availableReplicas: int, conditions: list(RawCondition) })
    .nullish(),
});

/** autoscaling/v2 and v1 share these fields. */
export const RawHpa = z.looseObject({
  metadata: RawMeta,
  spec: z
    .looseObject({
      scaleTargetRef: z.looseObject({ kind: z.string(), name: z.string() }).nullish(),
      minReplicas: int,
      maxReplicas: int,
    })
    .nullish(),
  status: z.looseObject({ currentReplicas: int, desiredReplicas: int, conditions: list(RawCondition) }).nullish(),
});
