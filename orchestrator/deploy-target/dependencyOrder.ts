/** What the order needs to know of one service; each target reads it from its own model (an extractor). */
export interface ServiceLinks {
  service: string;
  /** Named in the cycle message beside the service, so the user finds the stack. */
  stackName: string;
  /** Export names it provides (Outputs.*.Export.Name). */
  exports: string[];
  /** Export names it reads (Fn::ImportValue). */
  imports: string[];
}

export interface ServiceOrder<T> {
  /** Exporters before importers; otherwise in the given order. */
  order: T[];
  /** Imports no service in the set exports: they must already exist in the region. */
  external: { service: string; name: string }[];
}

/** Services import each other's exports in a cycle: none of them can be deployed first. */
export class DeployOrderError extends Error {
  override name = 'DeployOrderError';
}

/**
 * Orders one region's services so that a service whose export another imports is deployed first, as
 * CloudFormation requires (removing goes in reverse). Each step takes the first service, in the given
 * order, whose exporters are all placed, so independent services keep the order they came in.
 */
export function dependencyOrder<T>(items: readonly T[], linksOf: (item: T) => ServiceLinks): ServiceOrder<T> {
  const links = new Map(items.map((item) => [item, linksOf(item)]));
  const exporters = new Map<string, T>();
  for (const [item, l] of links) for (const name of l.exports) exporters.set(name, item);

  const needs = new Map<T, Set<T>>();
  const external: { service: string; name: string }[] = [];
  for (const [item, l] of links) {
    const deps = new Set<T>();
    for (const name of new Set(l.imports)) {
      const from = exporters.get(name);
      if (from === undefined) external.push({ service: l.service, name });
      else if (from !== item) deps.add(from);
    }
    needs.set(item, deps);
  }

  const order: T[] = [];
  const done = new Set<T>();
  while (done.size < links.size) {
    const ready = items.find((s) => !done.has(s) && [...needs.get(s)!].every((d) => done.has(d)));
    if (ready === undefined) throw new DeployOrderError(cycleMessage(items.filter((s) => !done.has(s)), needs, links));
    order.push(ready);
    done.add(ready);
  }
  return { order, external };
}

function cycleMessage<T>(left: T[], needs: Map<T, Set<T>>, links: Map<T, ServiceLinks>): string {
  const lines = left.map((s) => {
    const from = [...needs.get(s)!].filter((d) => left.includes(d)).map((d) => links.get(d)!.service);
    return `  ${links.get(s)!.service} (${links.get(s)!.stackName}) imports from ${from.join(', ')}`;
  });
  return `these services import each other's exports in a cycle, so none of them can be deployed first:\n${lines.join('\n')}\nMove the shared resource into one of them, or pass the value through config/<region>.yml (\${meridian:...}) instead of an export`;
}
