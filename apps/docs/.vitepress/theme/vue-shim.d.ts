// Single-file components are compiled by VitePress; to tsc they are components.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
