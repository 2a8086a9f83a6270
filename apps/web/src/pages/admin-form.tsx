/**
 * What the back office's management pages share (R37): an action that says its outcome in a
 * message (the server's refusal in plain words) and reloads the page's data, and a required form
 * field.
 */
import { App, Form } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n.js';
import { asApiError } from '../load.js';

/** `act(work, done)`: runs `work`, says `done` or the refusal, reloads; resolves true on success. */
export function useAction(
  reload: () => void,
): (work: () => Promise<unknown>, done: string) => Promise<boolean> {
  const { errorText } = useI18n();
  const { message } = App.useApp();
  return async (work, done) => {
    try {
      await work();
      void message.success(done);
      reload();
      return true;
    } catch (caught) {
      const error = asApiError(caught);
      void message.error(errorText(error.code, error.detail));
      return false;
    }
  };
}

export function RequiredItem({
  name,
  label,
  children,
}: {
  /** A field name, or a path inside a Form.List (`[index, 'field']`). */
  readonly name: string | readonly (string | number)[];
  readonly label: string;
  readonly children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Form.Item
      name={name as string | (string | number)[]}
      label={label}
      rules={[{ required: true, message: t('form.required') }]}
    >
      {children}
    </Form.Item>
  );
}

/**
 * A required choice among check boxes (e.g. an operator's roles). Checked by a validator rather
 * than `required`: antd puts `aria-required` on the field's control for `required`, and on a
 * `Checkbox.Group` that is a plain `<div>`, where the attribute is not allowed (axe
 * `aria-allowed-attr`, critical); the label still says the field must be filled.
 */
export function RequiredChoices({
  name,
  label,
  children,
}: {
  readonly name: string;
  readonly label: string;
  readonly children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Form.Item
      name={name}
      label={label}
      rules={[
        {
          validator: (_, value: unknown) =>
            Array.isArray(value) && value.length > 0
              ? Promise.resolve()
              : Promise.reject(new Error(t('form.required'))),
        },
      ]}
    >
      {children}
    </Form.Item>
  );
}
