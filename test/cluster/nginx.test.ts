/**
 * nginx's stream (TCP) proxy in front of three nodes, with docs/examples/nginx-stream.conf
 * (ports replaced): the same failover as behind HAProxy. Debian's nginx and
 * libnginx-mod-stream (installed by .ci/run); nginx runs in the foreground, its pid and
 * logs in the test's temp dir.
 */
import { BalancedCluster, failoverThrough } from './failover';

const NGINX = process.env.PARLEY_NGINX ?? '/usr/sbin/nginx';

describe('three nodes behind nginx stream (docs/examples/nginx-stream.conf)', function () {
	this.timeout(120_000);
	const setup = new BalancedCluster({
		configFile: 'nginx-stream.conf',
		preamble: (dir) => `daemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log info;\n`,
		command: (config, dir) => [NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', config]],
	});
	before(() => setup.start());
	after(() => setup.stop());

	it('a client whose node dies reconnects through the same address and loses nothing', async () => {
		await failoverThrough(setup.front, setup.cluster);
	});
});
