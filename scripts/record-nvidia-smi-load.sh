#!/usr/bin/env bash
# Records real nvidia-smi output for test/fixtures/nvidia-smi (run on a machine with an NVIDIA GPU;
# files go to $OUT). See test/fixtures/nvidia-smi/README.md.
OUT=${OUT:-.}
Q=index,name,power.draw,power.limit,memory.used,memory.total,utilization.gpu,temperature.gpu,clocks.sm
python3 -c "
import torch,time,sys
a=torch.randn(8192,8192,device='cuda',dtype=torch.bfloat16)
b=a@a; torch.cuda.synchronize()
print('started', flush=True)
open('/tmp/started','w').write('1')
t=time.time()
while time.time()-t<9:
  b=a@a
torch.cuda.synchronize()
print('load done', flush=True)
" &
while [ ! -f /tmp/started ]; do sleep 0.2; done
timeout 6 nvidia-smi --query-gpu=$Q --format=csv,noheader,nounits -lms 250 > $OUT/load.csv
wait
timeout 3 nvidia-smi --query-gpu=$Q --format=csv,noheader,nounits -lms 250 > $OUT/after.csv
wc -l $OUT/*.csv; tail -3 $OUT/load.csv
