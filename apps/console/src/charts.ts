import { use } from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

// Only the charts and parts the console draws, not all of ECharts.
use([CanvasRenderer, LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent]);

export { default as VChart } from "vue-echarts";
