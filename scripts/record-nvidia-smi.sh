#!/usr/bin/env bash
# Records real nvidia-smi output for test/fixtures/nvidia-smi (run on a machine with an NVIDIA GPU;
# files go to $OUT). See test/fixtures/nvidia-smi/README.md.
OUT=${OUT:-.}
set -x
nvidia-smi --version
nvidia-smi -L
nvidia-smi --query-gpu=index,name,driver_version,pci.bus_id --format=csv
nvidia-smi --query-gpu=index,name,power.draw,power.limit,memory.used,memory.total,utilization.gpu,temperature.gpu,clocks.sm --format=csv
timeout 3 nvidia-smi --query-gpu=index,name,power.draw,power.limit,memory.used,memory.total,utilization.gpu,temperature.gpu,clocks.sm --format=csv,noheader,nounits -lms 250 > $OUT/idle.csv
( timeout 8 nvidia-smi --query-gpu=index,name,power.draw,power.limit,memory.used,memory.total,utilization.gpu,temperature.gpu,clocks.sm --format=csv,noheader,nounits -lms 250 > $OUT/load.csv ) &
sleep 1
python3 -c "
import torch,time
a=torch.randn(8192,8192,device='cuda',dtype=torch.bfloat16)
t=time.time()
while time.time()-t<5:
  b=a@a
torch.cuda.synchronize()
print('load done')
"
wait
nvidia-smi --query-gpu=index,name,power.draw.average,power.draw.instant,enforced.power.limit --format=csv,noheader,nounits
nvidia-smi --query-gpu=index,name,power.draw,clocks.mem,fan.speed,pstate --format=csv,noheader,nounits
ls /sys/class/powercap/ 2>&1; cat /sys/class/powercap/*/name 2>&1 | head; ls -l /sys/class/powercap/*/energy_uj 2>&1 | head
cat /sys/class/powercap/intel-rapl:0/max_energy_range_uj 2>&1
lscpu | head -20
node --version 2>&1; which node
wc -l $OUT/*.csv
