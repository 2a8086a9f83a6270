/**
 * antd theme tokens that make the defaults meet WCAG 2.1 AA contrast (4.5:1 for text; issue 6
 * quality bar, R30). antd 5's stock blue #1677ff under white text is 4.1:1, its red 3.3:1, its
 * secondary text rgba(0,0,0,.45) 3.4:1 and its green/orange/gold tags about 3:1 — axe-core's
 * `color-contrast` rule flags all of them. One theme for every face, so new pages inherit it.
 */
import type { ThemeConfig } from 'antd';

export const ACCESSIBLE_THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9', // blue-7: 6.2:1 under white (buttons, the selected menu item, links)
    colorLink: '#0958d9',
    colorError: '#cf1322', // red-7: 5.6:1 (danger buttons, error texts)
    colorTextDescription: 'rgba(0, 0, 0, 0.65)', // statistic titles, empty states: 5.7:1
    colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
    // preset tag colours draw their text with the palette's 7th shade: one shade darker where that fails
    green7: '#237804',
    orange7: '#ad4e00',
    gold7: '#874d00',
    lime7: '#3f6600',
    cyan7: '#006d75',
    volcano7: '#ad2102',
  },
  components: {
    // a table's "no data" text is drawn in the disabled grey (2.6:1); it is content, not a control
    Table: { colorTextDisabled: 'rgba(0, 0, 0, 0.65)' },
  },
};
