/**
 * The operations chart of the statistics page (R25): one stacked bar per period, a colour per
 * business type, drawn with ECharts (only the parts used registered, as in bar-chart.tsx).
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface PeriodSeries {
  readonly name: string;
  readonly values: readonly number[];
}

export function PeriodChart({
  periods,
  series,
  label,
}: {
  readonly periods: readonly string[];
  readonly series: readonly PeriodSeries[];
  readonly label: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  // the figures' content, not their identity, decides when to draw again
  const data = JSON.stringify({ periods, series });
  useEffect(() => {
    const drawn = JSON.parse(data) as { periods: string[]; series: PeriodSeries[] };
    if (!element.current) return;
    const chart = init(element.current);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { top: 40, left: 40, right: 16, bottom: 24 },
      xAxis: { type: 'category', data: drawn.periods },
      yAxis: { type: 'value', minInterval: 1 },
      series: drawn.series.map((s) => ({ type: 'bar', stack: 'all', name: s.name, data: s.values })),
    });
    return () => chart.dispose();
  }, [data]);
  return <div ref={element} role="img" aria-label={label} style={{ height: 300 }} />;
}
