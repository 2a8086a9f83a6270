/** One ECharts bar chart (issue 6), with only the parts it uses registered to keep the bundle small. */
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Counts } from './api.js';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export function BarChartOf({ counts, label }: { readonly counts: Counts; readonly label: string }) {
  const element = useRef<HTMLDivElement>(null);
  // the counts' content, not their identity, decides when to draw again
  const data = JSON.stringify(counts);
  useEffect(() => {
    const drawn = JSON.parse(data) as Counts;
    if (!element.current) return;
    const chart = init(element.current);
    chart.setOption({
      animation: false,
      tooltip: {},
      xAxis: { type: 'category', data: Object.keys(drawn) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: Object.values(drawn), name: label }],
    });
    return () => chart.dispose();
  }, [data, label]);
  return <div ref={element} role="img" aria-label={label} style={{ height: 260 }} />;
}
