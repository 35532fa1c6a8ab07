// 资金用途限制 on the open-project form (docs/ENTRIES.md §"Restricted funds"): for each funding
// source, the expense categories it may pay for, and the drawing rule. Left unticked, the project
// is opened without a fundPolicy, exactly as before restricted funds existed.

import { h } from './dom.js';
import { t, term } from './i18n.js';
import { ExpenseCategories } from './rules/projects.js';

const Drawings = ['InOrder', 'ProRata'];

/**
 * The fieldset, and policy(): undefined when the funds are not restricted, the fundPolicy member
 * of OpenProject when they are, or the form's problem as text. Sources are listed in the order
 * given, which is the order InOrder draws on them.
 */
export function fundPolicyFieldset(sources) {
  const restrict = h('input', { type: 'checkbox', id: 'open-restrict' });
  const drawing = Drawings.map((rule, i) => h('input', { type: 'radio', name: 'open-drawing', value: rule, id: `open-drawing-${rule}`, checked: i === 0 }));
  const boxes = Object.fromEntries(sources.map(source => [source,
    ExpenseCategories.map(category => h('input', { type: 'checkbox', value: category, id: `open-permit-${source}-${category}` }))]));
  const details = h('div', { class: 'fund-policy-rules', hidden: true },
    h('fieldset', {}, h('legend', {}, t('fundPolicy.drawing')),
      drawing.map(input => h('label', { class: 'choice' }, input, ' ', t(`fundPolicy.${input.value}`)))),
    sources.map(source => h('fieldset', { class: 'permits', dataset: { source } }, h('legend', {}, term(source)),
      boxes[source].map(input => h('label', { class: 'choice' }, input, ' ', term(input.value))))));
  restrict.addEventListener('change', () => {
    details.hidden = !restrict.checked;
  });
  const element = h('fieldset', { id: 'open-fund-policy' }, h('legend', {}, t('fundPolicy.legend')),
    h('label', { class: 'choice' }, restrict, ' ', t('fundPolicy.restrict')),
    h('p', { class: 'small muted' }, t('fundPolicy.lead')), details);
  const policy = () => {
    if (!restrict.checked) {
      return undefined;
    }
    // A source with no category ticked is left out: the policy then lets it pay for nothing.
    const permitted = sources.map(source => ({ source, categories: boxes[source].filter(b => b.checked).map(b => b.value) }))
      .filter(s => s.categories.length > 0);
    return permitted.length === 0 ? t('fundPolicy.sourceNeeded')
      : { drawing: drawing.find(input => input.checked).value, sources: permitted };
  };
  return { element, policy };
}
