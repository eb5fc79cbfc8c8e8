/**
 * Prints PowercapReader(root).status as JSON. powercap.test.ts runs it as an unprivileged user to get
 * a real EACCES from the kernel: as root (how the tests run) mode bits never deny a read.
 */
import { PowercapReader } from '../../src-main/core/telemetry/powercap';

process.stdout.write(JSON.stringify(new PowercapReader(process.argv[2]).status));
