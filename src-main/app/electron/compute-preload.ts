/** Preload of the compute window (out/preload/compute.cjs): the job entry on Electron's ipcRenderer. */
import { ipcRenderer } from 'electron';
import { startComputePage } from './compute-page';

startComputePage(ipcRenderer);
