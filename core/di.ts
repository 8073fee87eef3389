// The only module that imports tsyringe: reflect-metadata must be loaded before it.
import 'reflect-metadata';

export {
  container as rootContainer,
  inject,
  injectAll,
  injectable,
  singleton,
  instanceCachingFactory,
  Lifecycle,
} from 'tsyringe';
export type { DependencyContainer, InjectionToken } from 'tsyringe';
