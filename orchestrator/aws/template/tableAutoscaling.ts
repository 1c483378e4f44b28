import { PluginConfigError } from '../errors.js';
import { addResource, ref, type CfTemplate } from './cfTemplate.js';
import type { AutoscalingEntry, Capacity } from './pluginConfig.js';

/**
 * Target tracking for a table that is not global (serverless-dynamodb-autoscaling-plugin's resources).
 * Global tables scale through the GlobalTable resource instead (globalTables.ts).
 *
 * Unlike the 2018 plugin, no scaling role is created (its policy allowed CloudWatch actions on `*`):
 * without RoleARN, Application Auto Scaling uses its service-linked role for DynamoDB, creating it if needed.
 */

export function addTableAutoscaling(template: CfTemplate, entry: AutoscalingEntry, at: string): void {
  const table = template.Resources[entry.table];
  if (table?.Type !== 'AWS::DynamoDB::Table') return;
  if (table.Properties?.BillingMode === 'PAY_PER_REQUEST') {
    throw new PluginConfigError(at, `${entry.table} is PAY_PER_REQUEST (on-demand), which scales by itself; remove its autoscaling entry or use provisioned capacity`);
  }
  if (entry.read) addDimension(template, entry.table, entry.read, 'Read');
  if (entry.write) addDimension(template, entry.table, entry.write, 'Write');
}

function addDimension(template: CfTemplate, table: string, capacity: Capacity, dimension: 'Read' | 'Write'): void {
  const target = `${table}AutoScalableTarget${dimension}`;
  addResource(template, target, {
    Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    Properties: {
      MinCapacity: capacity.minimum,
      MaxCapacity: capacity.maximum,
      ResourceId: { 'Fn::Join': ['', ['table/', ref(table)]] },
      ScalableDimension: `dynamodb:table:${dimension}CapacityUnits`,
      ServiceNamespace: 'dynamodb',
      ...(capacity.actions.length > 0
        ? {
            ScheduledActions: capacity.actions.map((a) => ({
              ScheduledActionName: a.name,
              Schedule: a.schedule,
              ScalableTargetAction: { MinCapacity: a.minimum, MaxCapacity: a.maximum },
            })),
          }
        : {}),
    },
  });
  addResource(template, `${table}AutoScalingPolicy${dimension}`, {
    Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
    Properties: {
      PolicyName: `${table}AutoScalingPolicy${dimension}`,
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: ref(target),
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: `DynamoDB${dimension}CapacityUtilization` },
        ScaleInCooldown: 60,
        ScaleOutCooldown: 60,
        TargetValue: Math.round(capacity.usage * 100),
      },
    },
  });
}
