import { loadConfig, ConfigError, type MeridianConfig } from '../../regions/config.js';
import { AwsTargetError } from '../aws/errors.js';
import { awsTarget, deployTarget, DeployOrderError } from '../deploy-target/index.js';
import { ServiceDefinitionError } from '../service-definition/index.js';
import { startLocalCloud } from '../../local/cloud/localCloud.js';
import { CloudNotRunningError, CloudOperationError, ControlClient } from './controlClient.js';
import { formatStatus } from './statusReport.js';
import { startInBackground, stopCloud } from './background.js';
import { serviceDirs } from '../serviceCatalog.js';
import { LOCAL_STAGE } from '../../local/deploy/localDeployer.js';
import { parseDeployArgs, parsePackageArgs, UsageError } from './deployArgs.js';

const USAGE = `usage: meridian <command>
  start                 run the local cloud in the foreground, every service deployed (Ctrl-C stops it)
  up                    the same in the background (if it is not running)
  dp <region> [service dirs] [--stage NAME] [--target local|aws] [--force]
                        deploy every service (or those given) into a region; local by default,
                        where a service unchanged since its last deploy is skipped unless --force
  rm <region> [service dirs] [--stage NAME] [--target local|aws]
                        remove them (what is marked Retain stays)
  package --stage NAME  CloudFormation for every service in every region (no credentials needed)
  down                  stop the local cloud
  status [--json]       regions, health, replication lag
  outage <region>       take a region down: its endpoints refuse, its processing and inbound replication stop
  recover <region>      bring a region back; everything that waited is applied
  crash <region>        kill -9 a region's processes (recover brings it back)
  pause-replication <region>
                        hold global-table replication into a region: it serves, its writes go out,
                        the others' writes wait (status shows how many)
  resume-replication <region>
                        apply what waited; conflicting writes converge to the last one
  health <region> fail|pass [--stage NAME]
                        a failover drill: fail makes the region's GET /health answer 503, so the
                        front door sends its traffic elsewhere; pass ends it`;

const log = (line: string) => console.log(line);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const control = new ControlClient(config);
  switch (command) {
    case 'start':
      return start(config, control);
    case 'up': {
      const status = await startInBackground(config, control, log);
      console.log(formatStatus(status));
      return 0;
    }
    case 'dp':
    case 'rm': {
      const req = parseDeployArgs(command, args, config);
      const target = deployTarget(req.target, { log, local: { control, ensureRunning: () => startInBackground(config, control, log) } });
      await (command === 'dp' ? target.deploy(req) : target.remove(req));
      return 0;
    }
    case 'package':
      await awsTarget(log).package(parsePackageArgs(args));
      return 0;
    case 'down':
      await stopCloud(config, control, log);
      return 0;
    case 'status': {
      const status = await control.status();
      if (!status) throw new CloudNotRunningError(`the local cloud is not running on ${control.base}: start it with \`npm start\``);
      console.log(args.includes('--json') ? JSON.stringify(status, null, 2) : formatStatus(status));
      return 0;
    }
    case 'outage':
    case 'recover':
    case 'crash':
    case 'pause-replication':
    case 'resume-replication': {
      const region = args[0];
      if (!region) throw new UsageError(`meridian ${command} <region>: which region? (${config.regions.map((r) => r.region).join(', ')})`);
      await control.post(`/_meridian/${command}/${encodeURIComponent(region)}`);
      console.log(`${command} ${region}: done`);
      return 0;
    }
    case 'health': {
      const [region, state] = args;
      const regions = config.regions.map((r) => r.region).join(', ');
      if (!region || (state !== 'fail' && state !== 'pass')) throw new UsageError(`meridian health <region> fail|pass: which region (${regions}), and fail or pass?`);
      const stageAt = args.indexOf('--stage');
      const stage = stageAt >= 0 ? args[stageAt + 1] : LOCAL_STAGE;
      if (!stage) throw new UsageError('--stage needs a name');
      await control.post(`/_meridian/health-drill/${encodeURIComponent(region)}`, { state, stage });
      console.log(state === 'fail'
        ? `health ${region}: failing (its /health answers 503; traffic moves within two health-check intervals). \`meridian health ${region} pass\` ends it`
        : `health ${region}: passing again (traffic returns after two passing checks)`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

async function start(config: MeridianConfig, control: ControlClient): Promise<number> {
  if (await control.status()) {
    console.error(`a local cloud is already running on ${control.base} (\`npm run down\` stops it)`);
    return 1;
  }
  const began = Date.now();
  const cloud = await startLocalCloud(config, log, { deploy: { serviceDirs: serviceDirs(), stage: LOCAL_STAGE } });
  const onSignal = () => void cloud.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(`\n${formatStatus(await cloud.status())}\n\nready in ${((Date.now() - began) / 1000).toFixed(1)} s — Ctrl-C stops everything`);
  await cloud.stopped;
  return 0;
}


main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    const known = e instanceof AwsTargetError || e instanceof DeployOrderError || e instanceof ServiceDefinitionError || e instanceof ConfigError || e instanceof CloudNotRunningError || e instanceof CloudOperationError || e instanceof UsageError;
    console.error(known ? `meridian: ${e.message}` : e.stack ?? e.message);
    process.exit(known ? 2 : 1);
  },
);
