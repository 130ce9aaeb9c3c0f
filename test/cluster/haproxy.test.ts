/**
 * HAProxy in TCP mode in front of three nodes, with the configuration docs/cluster.md
 * shows (docs/examples/haproxy.cfg, ports replaced): clients connect to one address; when
 * the node a client is on dies (kill -9), the client connects again to the same address,
 * lands on a live node and retries what was not acknowledged.
 */
import { BalancedCluster, failoverThrough } from './failover';

const HAPROXY = process.env.PARLEY_HAPROXY ?? '/usr/sbin/haproxy';

describe('three nodes behind haproxy (docs/examples/haproxy.cfg)', function () {
	this.timeout(120_000);
	const setup = new BalancedCluster({ configFile: 'haproxy.cfg', command: (config) => [HAPROXY, ['-db', '-f', config]] });
	before(() => setup.start());
	after(() => setup.stop());

	it('a client whose node dies reconnects through the same address and loses nothing', async () => {
		await failoverThrough(setup.front, setup.cluster);
	});
});
